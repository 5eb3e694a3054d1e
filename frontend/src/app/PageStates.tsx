// Loading and failure states shared by every page. Kept light on purpose (no illustrated
// antd Result): these are in every page's first load.

import { CloseCircleOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/errors';

export function Loading() {
  const { t } = useTranslation();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} data-testid="page-loading">
      <Spin size="large" description={t('common.loading')} />
    </div>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const notFound = isApiError(error) && (error.status === 404 || error.status === 403);
  const detail = isApiError(error) ? error.message : error instanceof Error ? error.message : undefined;
  const Icon = notFound ? QuestionCircleOutlined : CloseCircleOutlined;
  return (
    <div role="alert" style={{ padding: '48px 24px', textAlign: 'center' }} data-testid="page-error" data-status={isApiError(error) ? error.status : ''}>
      <Space direction="vertical" size="middle" align="center">
        <Icon style={{ fontSize: 56, color: notFound ? '#8c8c8c' : '#ff4d4f' }} aria-hidden />
        <Typography.Title level={3} style={{ margin: 0 }}>
          {notFound ? t('common.notFound') : t('common.loadFailed')}
        </Typography.Title>
        {detail && <Typography.Text type="secondary">{detail}</Typography.Text>}
        {onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>}
      </Space>
    </div>
  );
}

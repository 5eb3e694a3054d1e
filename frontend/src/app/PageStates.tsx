// Loading and failure states shared by every page.

import { Button, Result, Spin } from 'antd';
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
  return (
    <Result
      status={notFound ? '404' : 'error'}
      title={notFound ? t('common.notFound') : t('common.loadFailed')}
      subTitle={detail}
      extra={onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  );
}

// `/apps/:app`: an app's start page, its entities (each opening its default view) and its
// dashboards as cards; the first stop after switching apps.

import { DashboardOutlined, DatabaseOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Row, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { AppSummary } from '../../api/apps';
import { ApiError } from '../../api/errors';
import { rememberApp } from '../../app/currentApp';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { useApps } from '../../app/queries';
import { localized } from '../../i18n/localized';

export function AppOverview({ app }: { app: AppSummary }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return (
    <>
      <Typography.Title level={3} data-testid="app-title">
        {localized(app.title, language) ?? app.key}
      </Typography.Title>
      <Typography.Title level={5}>{t('shell.records')}</Typography.Title>
      <Row gutter={[16, 16]}>
        {app.entities.map((entity) => (
          <Col key={entity.key} xs={24} sm={12} md={8} xl={6}>
            <Link to={paths.list(entity.key)} data-testid={`app-entity-${entity.key}`}>
              <Card hoverable size="small">
                <Card.Meta avatar={<DatabaseOutlined />} title={localized(entity.plural_label, language) ?? entity.key} />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
      {app.dashboards.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('shell.dashboards')}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {app.dashboards.map((board) => (
              <Col key={board.key} xs={24} sm={12} md={8} xl={6}>
                <Link to={paths.dashboard(board.key)}>
                  <Card hoverable size="small">
                    <Card.Meta avatar={<DashboardOutlined />} title={localized(board.label, language) ?? board.key} />
                  </Card>
                </Link>
              </Col>
            ))}
          </Row>
        </>
      )}
    </>
  );
}

export function AppHomePage() {
  const { app: key = '' } = useParams();
  const { t } = useTranslation();
  const apps = useApps();
  useEffect(() => rememberApp(key), [key]);
  if (apps.error) return <LoadError error={apps.error} onRetry={() => void apps.refetch()} />;
  if (!apps.data) return <Loading />;
  const app = apps.data.find((a) => a.key === key);
  if (!app) return apps.data.length ? <LoadError error={new ApiError(404, 'not_found', key)} /> : <Empty description={t('shell.noApps')} />;
  return <AppOverview app={app} />;
}

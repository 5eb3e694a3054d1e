// `/`: portal customers go to their portal; staff land in the app they were last in (the
// app switcher's choice), or see that nothing is installed yet.

import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { useCurrentApp } from '../../app/currentApp';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { isPortalUser } from '../../app/portal';
import { useApps } from '../../app/queries';
import { useSession } from '../../app/session';
import { AppOverview } from './AppHomePage';

export function HomePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const portal = isPortalUser(user);
  const apps = useApps();
  const current = useCurrentApp(apps.data);
  if (portal) return <Navigate to={paths.portal()} replace />;
  if (apps.error) return <LoadError error={apps.error} onRetry={() => void apps.refetch()} />;
  if (!apps.data) return <Loading />;
  if (!current) return <Empty description={t('shell.noApps')} data-testid="no-apps" />;
  return <AppOverview app={current} />;
}

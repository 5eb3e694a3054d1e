// The frame of every page. Signed in, staff get a side navigation built from the installed
// apps (an app switcher, then the app's entities and dashboards) and a header with the
// notifications and approvals inboxes, the language switch and their account; a portal
// customer gets a slim header only. Signed out (sign-in, public forms) shows just the brand.

import { AuditOutlined, BellOutlined, DashboardOutlined, DatabaseOutlined, LogoutOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Layout, Popover, Select, Space, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import type { AppSummary } from '../api/apps';
import { fetchApprovals, fetchNotifications } from '../api/workflows';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { localized } from '../i18n/localized';
import { rememberApp, useCurrentApp } from './currentApp';
import { paths } from './paths';
import { isPortalUser } from './portal';
import { queryKeys, useApps } from './queries';
import { useSession } from './session';
import './shell.css';

const INBOX_POLL_MS = 30_000;

function InboxButtons() {
  const { t } = useTranslation();
  const notifications = useQuery({
    queryKey: queryKeys.notifications,
    queryFn: ({ signal }) => fetchNotifications(signal),
    refetchInterval: INBOX_POLL_MS,
  });
  const approvals = useQuery({
    queryKey: [...queryKeys.approvals, 'mine'],
    queryFn: ({ signal }) => fetchApprovals({ mine: true }, signal),
    refetchInterval: INBOX_POLL_MS,
  });
  const unread = notifications.data?.filter((n) => !n.read).length ?? 0;
  return (
    <>
      <Tooltip title={t('shell.approvals')}>
        <Link to={paths.approvals()} aria-label={t('shell.approvals')} data-testid="approvals-inbox">
          <Badge count={approvals.data?.length ?? 0} size="small">
            <AuditOutlined style={{ fontSize: 18 }} />
          </Badge>
        </Link>
      </Tooltip>
      <Tooltip title={t('shell.notifications')}>
        <Link to={paths.notifications()} aria-label={t('shell.notifications')} data-testid="notifications-inbox">
          <Badge count={unread} size="small" data-testid="notifications-unread" data-count={unread}>
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        </Link>
      </Tooltip>
    </>
  );
}

function Navigation({ apps, current }: { apps: AppSummary[]; current: AppSummary | null }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const language = i18n.language;
  if (!current) return null;
  const groups = [
    {
      key: 'records',
      label: t('shell.records'),
      links: current.entities.map((entity) => ({
        to: paths.list(entity.key),
        icon: <DatabaseOutlined />,
        testId: `nav-entity-${entity.key}`,
        label: localized(entity.plural_label, language) ?? entity.key,
      })),
    },
    {
      key: 'dashboards',
      label: t('shell.dashboards'),
      links: current.dashboards.map((board) => ({
        to: paths.dashboard(board.key),
        icon: <DashboardOutlined />,
        testId: `nav-dashboard-${board.key}`,
        label: localized(board.label, language) ?? board.key,
      })),
    },
  ].filter((group) => group.links.length > 0);
  const active = (to: string) => pathname === to || pathname.startsWith(`${to}/`);
  return (
    <nav aria-label={t('shell.menu')}>
      <div style={{ padding: 12 }}>
        <Select
          data-testid="app-switcher"
          aria-label={t('shell.switchApp')}
          style={{ width: '100%' }}
          value={current.key}
          onChange={(key: string) => {
            rememberApp(key);
            navigate(paths.app(key));
          }}
          options={apps.map((app) => ({ value: app.key, label: localized(app.title, language) ?? app.key }))}
        />
      </div>
      {groups.map((group) => (
        <div key={group.key} className="loom-nav-group">
          <Typography.Text type="secondary" className="loom-nav-title">
            {group.label}
          </Typography.Text>
          <ul>
            {group.links.map((link) => (
              <li key={link.to}>
                <Link to={link.to} data-testid={link.testId} className={active(link.to) ? 'loom-nav-link loom-nav-active' : 'loom-nav-link'} aria-current={active(link.to) ? 'page' : undefined}>
                  {link.icon}
                  <span>{link.label}</span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

export function AppShell() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const portal = isPortalUser(user);
  const staff = Boolean(user) && !portal;
  const apps = useApps(staff);
  const appList = staff ? apps.data : undefined;
  const current = useCurrentApp(appList);
  const leave = () =>
    void signOut().then(() => {
      queryClient.clear();
      navigate('/login');
    });
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#fff', borderBottom: '1px solid #f0f0f0', paddingInline: 24 }}
      >
        <Link to={portal ? paths.portal() : paths.home()} style={{ fontWeight: 600, fontSize: 18 }}>
          {t('app.name')}
          {portal && <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 400 }}>{t('shell.portal')}</Typography.Text>}
        </Link>
        <Space size="large">
          {staff && <InboxButtons />}
          <LanguageSwitch />
          {user && (
            <Popover
              trigger="click"
              placement="bottomRight"
              content={
                <Button type="text" icon={<LogoutOutlined />} onClick={leave} data-testid="sign-out">
                  {t('app.signOut')}
                </Button>
              }
            >
              <Button type="text" data-testid="account-menu" aria-label={t('shell.account')}>
                {user.name || user.email}
              </Button>
            </Popover>
          )}
        </Space>
      </Layout.Header>
      <Layout>
        {staff && appList && appList.length > 0 && (
          <Layout.Sider width={232} theme="light" breakpoint="lg" collapsedWidth={0} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
            <Navigation apps={appList} current={current} />
          </Layout.Sider>
        )}
        <Layout.Content style={{ padding: 24, width: '100%', minWidth: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

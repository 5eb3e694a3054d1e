// The frame of every page: the product name, the language switch and, when signed in,
// the user and a sign-out button.

import { Button, Layout, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useNavigate } from 'react-router';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useSession } from './session';

export function AppShell() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#fff' }}>
        <Link to="/" style={{ fontWeight: 600, fontSize: 18 }}>
          {t('app.name')}
        </Link>
        <Space>
          {user && <Typography.Text>{user.name || user.email}</Typography.Text>}
          {user && (
            <Button onClick={() => void signOut().then(() => navigate('/login'))} data-testid="sign-out">
              {t('app.signOut')}
            </Button>
          )}
          <LanguageSwitch />
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1100, width: '100%', margin: '0 auto' }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}

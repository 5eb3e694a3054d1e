// Sign in with email and password; wrong credentials, throttling (429 with Retry-After)
// and other failures are shown in the visitor's language, then back to where they came from.

import { Alert, Button, Card, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { login } from '../../api/auth';
import { isApiError } from '../../api/errors';
import { useSession } from '../../app/session';

/** Only same-site paths are followed after sign-in (never `//host` or a full URL). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

interface Credentials {
  email: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { user, setUser, ensure } = useSession();
  useEffect(ensure, [ensure]); // a visitor already signed in goes straight on
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (user) return <Navigate to={next} replace />;

  const submit = async ({ email, password }: Credentials) => {
    setBusy(true);
    setProblem(null);
    try {
      setUser(await login(email, password));
      navigate(next, { replace: true });
    } catch (error) {
      if (isApiError(error) && error.status === 401) setProblem(t('login.wrong'));
      else if (isApiError(error) && error.status === 429)
        setProblem(error.retryAfter !== null ? t('common.tooManyRequests', { seconds: error.retryAfter }) : t('common.tooManyRequestsLater'));
      else if (isApiError(error) && error.status === 0) setProblem(t('common.networkError'));
      else setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('login.title')} style={{ maxWidth: 420, margin: '48px auto' }}>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} data-testid="login-error" />}
      <Form<Credentials> layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
        <Form.Item label={t('login.email')} name="email" rules={[{ required: true, message: t('login.emailRequired') }]}>
          <Input type="email" autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Form>
    </Card>
  );
}

// The application: locale, server-state cache, session and the routes (client-side; Flask
// serves index.html for every non-/api path). Every page is loaded on demand,
// so the first screen downloads only the shell and the page it shows.

import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from '../api/errors';
import { LocaleProvider } from '../i18n/LocaleProvider';
import { AppShell } from './AppShell';
import { LoadError, Loading } from './PageStates';
import { createQueryClient } from './queries';
import { RequireSignIn, SessionProvider } from './session';

const named = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const LoginPage = named(() => import('../features/auth/LoginPage'), 'LoginPage');
const HomePage = named(() => import('../features/shell/HomePage'), 'HomePage');
const AppHomePage = named(() => import('../features/shell/AppHomePage'), 'AppHomePage');
const EntityViewPage = named(() => import('../features/shell/EntityViewPage'), 'EntityViewPage');
const RecordPage = named(() => import('../features/records/RecordPage'), 'RecordPage');
const NewRecordPage = named(() => import('../features/records/NewRecordPage'), 'NewRecordPage');
const ImportPage = named(() => import('../features/lists/ImportPage'), 'ImportPage');
const DashboardPage = named(() => import('../features/dashboards/DashboardPage'), 'DashboardPage');
const NotificationsPage = named(() => import('../features/inbox/NotificationsPage'), 'NotificationsPage');
const ApprovalsPage = named(() => import('../features/inbox/ApprovalsPage'), 'ApprovalsPage');
const PortalPage = named(() => import('../features/portal/PortalPage'), 'PortalPage');
const FormPage = named(() => import('../features/forms/FormPage'), 'FormPage');
const PublicFormPage = named(() => import('../features/forms/PublicFormPage'), 'PublicFormPage');

function Page({ children, signedIn = true }: { children: ReactNode; signedIn?: boolean }) {
  const page = <Suspense fallback={<Loading />}>{children}</Suspense>;
  return signedIn ? <RequireSignIn>{page}</RequireSignIn> : page;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route path="/login" element={<Page signedIn={false}><LoginPage /></Page>} />
        <Route path="/public/forms/:key" element={<Page signedIn={false}><PublicFormPage /></Page>} />
        <Route path="/forms/:key" element={<Page><FormPage /></Page>} />
        <Route path="/forms/:key/records/:id" element={<Page><FormPage /></Page>} />
        <Route path="/apps/:app" element={<Page><AppHomePage /></Page>} />
        <Route path="/e/:entity" element={<Page><EntityViewPage /></Page>} />
        <Route path="/e/:entity/v/:view" element={<Page><EntityViewPage /></Page>} />
        <Route path="/e/:entity/new" element={<Page><NewRecordPage /></Page>} />
        <Route path="/e/:entity/import" element={<Page><ImportPage /></Page>} />
        <Route path="/e/:entity/r/:id" element={<Page><RecordPage /></Page>} />
        <Route path="/dashboards/:key" element={<Page><DashboardPage /></Page>} />
        <Route path="/inbox/notifications" element={<Page><NotificationsPage /></Page>} />
        <Route path="/inbox/approvals" element={<Page><ApprovalsPage /></Page>} />
        <Route path="/portal/*" element={<Page><PortalPage /></Page>} />
        <Route path="/" element={<Page><HomePage /></Page>} />
        <Route path="*" element={<LoadError error={new ApiError(404, 'not_found', '')} />} />
      </Route>
    </Routes>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <LocaleProvider>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </SessionProvider>
      </QueryClientProvider>
    </LocaleProvider>
  );
}

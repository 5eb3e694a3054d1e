// The application: locale, session and the routes (client-side; Flask serves index.html
// for every non-/api path).

import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from '../api/errors';
import { LoginPage } from '../features/auth/LoginPage';
import { HomePage } from '../features/home/HomePage';
import { FormPage } from '../features/forms/FormPage';
import { PublicFormPage } from '../features/forms/PublicFormPage';
import { LocaleProvider } from '../i18n/LocaleProvider';
import { AppShell } from './AppShell';
import { LoadError } from './PageStates';
import { RequireSignIn, SessionProvider } from './session';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/public/forms/:key" element={<PublicFormPage />} />
        <Route
          path="/forms/:key"
          element={
            <RequireSignIn>
              <FormPage />
            </RequireSignIn>
          }
        />
        <Route
          path="/forms/:key/records/:id"
          element={
            <RequireSignIn>
              <FormPage />
            </RequireSignIn>
          }
        />
        <Route
          path="/"
          element={
            <RequireSignIn>
              <HomePage />
            </RequireSignIn>
          }
        />
        <Route path="*" element={<LoadError error={new ApiError(404, 'not_found', '')} />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <LocaleProvider>
      <SessionProvider>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </SessionProvider>
    </LocaleProvider>
  );
}

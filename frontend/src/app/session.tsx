// Who is signed in, loaded once from /api/auth/me (401 = signed out) and shared by the
// pages; RequireSignIn sends a signed-out visitor to /login and back afterwards. The
// question is asked only by a page that needs the answer (RequireSignIn, the login page):
// a public form's anonymous visitor never sends it (nor gets a 401 for it).

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { fetchCurrentUser, logout as apiLogout, type CurrentUser } from '../api/auth';
import { LoadError, Loading } from './PageStates';

interface Session {
  user: CurrentUser | null;
  loading: boolean;
  error: unknown;
  setUser: (user: CurrentUser | null) => void;
  refresh: () => void;
  /** Asks the server who is signed in, unless that was asked already. */
  ensure: () => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<CurrentUser | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const asked = useRef(false);
  const latest = useRef(0); // a sign-in (or a newer probe) wins over a probe still in flight
  const refresh = useCallback(() => {
    asked.current = true;
    const probe = ++latest.current;
    setLoading(true);
    setError(null);
    fetchCurrentUser()
      .then((found) => {
        if (probe === latest.current) setUser(found);
      })
      .catch((cause: unknown) => {
        if (probe === latest.current) setError(cause);
      })
      .finally(() => {
        if (probe === latest.current) setLoading(false);
      });
  }, []);
  const ensure = useCallback(() => {
    if (!asked.current) refresh();
  }, [refresh]);
  const signedIn = useCallback((next: CurrentUser | null) => {
    asked.current = true;
    latest.current += 1;
    setError(null);
    setLoading(false);
    setUser(next);
  }, []);
  const signOut = useCallback(async () => {
    await apiLogout();
    signedIn(null);
  }, [signedIn]);
  return (
    <SessionContext.Provider value={{ user, loading, error, setUser: signedIn, refresh, ensure, signOut }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}

/** `/login?next=<here>` for the current location. */
export function loginPath(pathname: string, search: string): string {
  return `/login?next=${encodeURIComponent(pathname + search)}`;
}

export function RequireSignIn({ children }: { children: ReactNode }) {
  const { user, loading, error, refresh, ensure } = useSession();
  const location = useLocation();
  useEffect(ensure, [ensure]);
  if (loading) return <Loading />;
  if (error) return <LoadError error={error} onRetry={refresh} />;
  if (!user) return <Navigate to={loginPath(location.pathname, location.search)} replace />;
  return <>{children}</>;
}

// Who is signed in, loaded once from /api/auth/me (401 = signed out) and shared by the
// pages; RequireSignIn sends a signed-out visitor to /login and back afterwards.

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { fetchCurrentUser, logout as apiLogout, type CurrentUser } from '../api/auth';
import { LoadError, Loading } from './PageStates';

interface Session {
  user: CurrentUser | null;
  loading: boolean;
  error: unknown;
  setUser: (user: CurrentUser | null) => void;
  refresh: () => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<CurrentUser | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(() => {
    setLoading(true);
    setError(null);
    fetchCurrentUser()
      .then(setUser)
      .catch(setError)
      .finally(() => setLoading(false));
  }, []);
  useEffect(refresh, [refresh]);
  const signOut = useCallback(async () => {
    await apiLogout();
    setUser(null);
  }, []);
  return (
    <SessionContext.Provider value={{ user, loading, error, setUser, refresh, signOut }}>{children}</SessionContext.Provider>
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
  const { user, loading, error, refresh } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (error) return <LoadError error={error} onRetry={refresh} />;
  if (!user) return <Navigate to={loginPath(location.pathname, location.search)} replace />;
  return <>{children}</>;
}

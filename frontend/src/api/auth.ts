// Sign in, sign out and "who am I"; each keeps the client's CSRF token in step with the session.

import { api, setCsrfToken } from './client';
import { isApiError } from './errors';

export interface CurrentUser {
  id: number;
  email: string;
  name?: string | null;
  roles?: string[];
  csrf_token?: string;
  [key: string]: unknown;
}

/** The signed-in user, or null when the server answers 401 (signed out). */
export async function fetchCurrentUser(): Promise<CurrentUser | null> {
  try {
    const user = await api.get<CurrentUser>('/api/auth/me');
    setCsrfToken(user.csrf_token ?? null);
    return user;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export async function login(email: string, password: string): Promise<CurrentUser> {
  const { user } = await api.post<{ user: CurrentUser }>('/api/auth/login', { email, password });
  setCsrfToken(user.csrf_token ?? null);
  return user;
}

export async function logout(): Promise<void> {
  await api.post<unknown>('/api/auth/logout');
  setCsrfToken(null);
}

// The fetch wrapper every API call goes through: same-origin cookies, JSON in and out,
// the UI language as Accept-Language, the session's CSRF token on writes, and failures
// turned into ApiError. It keeps the CSRF token it last saw (from /api/auth/me or login).

import { ApiError, errorFromResponse } from './errors';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const WRITES: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
let languageProvider: () => string = () => 'en';

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/** The client asks this for the Accept-Language of each request (wired to i18n at start-up). */
export function setLanguageProvider(provider: () => string): void {
  languageProvider = provider;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (multipart uploads); no JSON Content-Type is set. */
  formData?: FormData;
  signal?: AbortSignal;
}

/** Headers every request carries; writes add the CSRF token. */
export function requestHeaders(method: Method, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': languageProvider() };
  if (json) headers['Content-Type'] = 'application/json';
  if (WRITES.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  return headers;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function apiRequest<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const json = options.body !== undefined && options.formData === undefined;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method, json),
      body: options.formData ?? (json ? JSON.stringify(options.body) : undefined),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : 'network error');
  }
  const body = await readBody(response);
  if (!response.ok) throw errorFromResponse(response.status, body, response.headers);
  return body as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => apiRequest<T>('GET', path, { signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => apiRequest<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => apiRequest<T>('PATCH', path, { body }),
  delete: <T>(path: string) => apiRequest<T>('DELETE', path),
  upload: <T>(path: string, formData: FormData) => apiRequest<T>('POST', path, { formData }),
};

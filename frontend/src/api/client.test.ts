import { describe, expect, it, vi } from 'vitest';
import { fetchCurrentUser, login } from './auth';
import { api, setCsrfToken } from './client';
import { ApiError, parseRetryAfter } from './errors';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('api client', () => {
  it('sends the language and, on writes, the CSRF token from login', async () => {
    const fetchMock = vi.fn<typeof fetch>()
      .mockResolvedValueOnce(json(200, { user: { id: 1, email: 'a@b.c', csrf_token: 'tok' } }))
      .mockResolvedValueOnce(json(200, { ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    await login('a@b.c', 'pw');
    await api.post('/api/x', { a: 1 });
    const [, init] = fetchMock.mock.calls[1];
    const headers = init?.headers as Record<string, string>;
    expect(headers['X-CSRF-Token']).toBe('tok');
    expect(headers['Accept-Language']).toBe('en');
    expect(init?.credentials).toBe('same-origin');
    expect(JSON.parse(String(fetchMock.mock.calls[0][1]?.body))).toEqual({ email: 'a@b.c', password: 'pw' });
  });

  it('does not send the token on reads; 401 from /me means signed out', async () => {
    setCsrfToken('tok');
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'no' } }));
    vi.stubGlobal('fetch', fetchMock);
    expect(await fetchCurrentUser()).toBeNull();
    expect((fetchMock.mock.calls[0][1]?.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
  });

  it('throws ApiError with details and Retry-After', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn<typeof fetch>().mockResolvedValueOnce(
        json(429, { error: { code: 'too_many', message: 'slow down', details: [{ field: 'email', message: 'x' }] } }, { 'Retry-After': '42' }),
      ),
    );
    const error = await api.post('/api/auth/login', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'too_many', message: 'slow down', retryAfter: 42, details: [{ field: 'email', message: 'x' }] });
    expect(parseRetryAfter(null)).toBeNull();
  });
});

import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { RequireSignIn, SessionProvider } from './session';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function app(path: string) {
  return render(
    <SessionProvider>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/public" element={<p>public page</p>} />
          <Route path="/login" element={<p>login page</p>} />
          <Route
            path="/private"
            element={
              <RequireSignIn>
                <p>private page</p>
              </RequireSignIn>
            }
          />
        </Routes>
      </MemoryRouter>
    </SessionProvider>,
  );
}

describe('the session', () => {
  it('is not asked for on a page that does not need it (a public form)', async () => {
    const fetchMock = vi.fn<typeof fetch>();
    vi.stubGlobal('fetch', fetchMock);
    app('/public');
    expect(screen.getByText('public page')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 20));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('is asked for once by a page behind sign-in, which sends a signed-out visitor to /login', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json(401, { error: { code: 'unauthorized', message: 'x' } }));
    vi.stubGlobal('fetch', fetchMock);
    app('/private');
    await waitFor(() => expect(screen.getByText('login page')).toBeInTheDocument());
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(String(fetchMock.mock.calls[0][0])).toBe('/api/auth/me');
  });

  it('lets a signed-in visitor through', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(json(200, { id: 1, email: 'a@example.com', csrf_token: 't' })));
    app('/private');
    await waitFor(() => expect(screen.getByText('private page')).toBeInTheDocument());
  });
});

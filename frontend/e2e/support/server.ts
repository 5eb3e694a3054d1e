// Starts a real Loomworks server for the browser suite: a fresh instance folder (SQLite),
// an admin created by the CLI, `loomworks run` on a free port serving the built app.
// The suite talks to it only over HTTP, exactly as a user's browser would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ADMIN = { email: 'e2e-admin@example.com', password: 'e2e correct horse' };
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CLI = process.env.LOOMWORKS_CLI ?? join(ROOT, '.venv', 'bin', 'loomworks');

export interface RunningServer {
  baseUrl: string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`loomworks run exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`loomworks did not answer at ${baseUrl} within 60 s:\n${output()}`);
}

/** A demo login printed by `loomworks demo`: email → password. */
export type DemoLogins = Record<string, string>;

/** Reads the logins table `loomworks demo` prints (`  email  password  roles`). */
export function parseDemoLogins(output: string): DemoLogins {
  const logins: DemoLogins = {};
  for (const line of output.split('\n')) {
    const match = /^\s+(\S+@\S+)\s+(\S+)\s+\S/.exec(line);
    if (match) logins[match[1]] = match[2];
  }
  return logins;
}

export interface RunningDemo extends RunningServer {
  logins: DemoLogins;
}

/** A server with the CRM, Projects and their bridge installed and the demo data loaded:
 * the instance the README's run command gives a newcomer. */
export async function startDemoServer(): Promise<RunningDemo> {
  let logins: DemoLogins = {};
  const server = await startServer((env) => {
    const demo = spawnSync(CLI, ['demo'], { env, encoding: 'utf-8' });
    if (demo.status !== 0) throw new Error(`loomworks demo failed: ${demo.stderr}${demo.stdout}`);
    logins = parseDemoLogins(demo.stdout);
  });
  return { ...server, logins };
}

export async function startServer(prepare?: (env: NodeJS.ProcessEnv) => void): Promise<RunningServer> {
  const instance = mkdtempSync(join(tmpdir(), 'loomworks-e2e-'));
  const env = {
    ...process.env,
    LOOMWORKS_INSTANCE: instance,
    LOOMWORKS_DATABASE_URL: '',
    // A helper's private build (LOOMWORKS_E2E_DIST) or the project's own.
    LOOMWORKS_FRONTEND_DIR: process.env.LOOMWORKS_E2E_DIST ?? join(ROOT, 'frontend', 'dist'),
  };
  const init = spawnSync(CLI, ['init', '--admin-email', ADMIN.email, '--admin-password', ADMIN.password], {
    env,
    encoding: 'utf-8',
  });
  if (init.status !== 0) throw new Error(`loomworks init failed: ${init.stderr}${init.stdout}`);
  prepare?.(env);
  const port = await freePort();
  const child = spawn(CLI, ['run', '--port', String(port), '--threads', '8'], { env, stdio: 'pipe' });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => log);
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(instance, { recursive: true, force: true });
    },
  };
}

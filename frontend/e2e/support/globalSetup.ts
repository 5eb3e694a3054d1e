// Two servers for the whole browser run: a bare one (inject('baseUrl'), tests define their
// own entities) and the demo instance (inject('demoUrl'), inject('demoLogins')).
import type { TestProject } from 'vitest/node';
import { startDemoServer, startServer, type DemoLogins } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The demo instance (templates and demo data installed) and its printed logins. */
    demoUrl: string;
    demoLogins: DemoLogins;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [server, demo] = await Promise.all([startServer(), startDemoServer()]);
  project.provide('baseUrl', server.baseUrl);
  project.provide('demoUrl', demo.baseUrl);
  project.provide('demoLogins', demo.logins);
  return async () => {
    await Promise.all([server.stop(), demo.stop()]);
  };
}

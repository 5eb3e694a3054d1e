// The customer portal as a customer's staff meet it on the demo instance: signing in lands on
// /portal showing only their company's projects (the same set the API gives them, none of
// another customer's), a project opens with its milestones, a new ticket shows in their list,
// and the NPS survey is answered and saved, in English and Chinese.
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { collectErrors, launch, newContext, screenshot, type Language } from './support/browser';
import { unexpectedErrors, until } from './support/ui';

const demoUrl = inject('demoUrl');
const logins = inject('demoLogins') as Record<string, string>;
let browser: Browser;

interface Row {
  id: number;
  name?: string;
  subject?: string;
  comment?: string;
  project?: number;
  customer?: number;
  company?: number;
  progress?: number | null;
}

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function rows(request: APIRequestContext, path: string): Promise<Row[]> {
  const answer = await request.get(path);
  expect(answer.ok()).toBe(true);
  return ((await answer.json()) as { items: Row[] }).items;
}

/** Sign in through the login page and wait for the portal home. */
async function signInThroughUi(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(logins[email]);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('portal-company').waitFor({ timeout: 15_000 });
  expect(new URL(page.url()).pathname).toBe('/portal');
  return page;
}

async function projectsSeenBy(email: string): Promise<Row[]> {
  const context = await newContext(browser, demoUrl, 'en');
  const answer = await context.request.post('/api/auth/login', { data: { email, password: logins[email] } });
  expect(answer.ok()).toBe(true);
  const projects = await rows(context.request, '/api/records/project?limit=200');
  await context.close();
  return projects;
}

const TEXT: Record<Language, { thanks: string }> = {
  en: { thanks: 'Thank you for your answer!' },
  'zh-CN': { thanks: '感谢您的反馈！' },
};

for (const language of ['en', 'zh-CN'] as const) {
  it(`shows customer@ only Harbor Foods' projects, a project's milestones, a new ticket and the survey (${language})`, async () => {
    const context = await newContext(browser, demoUrl, language);
    const page = await signInThroughUi(context, 'customer@example.com');
    const problems = collectErrors(page);
    const api = context.request;

    // The home lists exactly the projects the API gives this customer, and no other customer's.
    const mine = await rows(api, '/api/records/project?limit=200');
    expect(mine.length).toBeGreaterThan(0);
    expect(await page.getByTestId('portal-company').textContent()).toContain('Harbor Foods');
    const cards = page.locator('[data-testid^="portal-project-"]');
    await until(async () => (await cards.count()) === mine.length, 'one card per project');
    for (const project of mine) await page.getByTestId(`portal-project-${project.id}`).waitFor();
    // Each card shows the project's progress (disclosed to customers, though most tasks are not).
    for (const project of mine) {
      expect(typeof project.progress, `progress of project ${project.id}`).toBe('number');
      const bar = page.getByTestId(`portal-project-${project.id}`).getByRole('progressbar');
      expect(await bar.getAttribute('aria-valuenow')).toBe(String(Math.round(Number(project.progress))));
    }
    const everyone = await projectsSeenBy('admin@example.com');
    const theirs = everyone.filter((p) => !mine.some((m) => m.id === p.id));
    expect(theirs.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.customer === mine[0].customer)).toBe(true);
    for (const project of theirs) expect(await page.getByTestId(`portal-project-${project.id}`).count()).toBe(0);
    await screenshot(page, `portal-home-${language}`);

    // A project page shows its milestones (those the API shares with the customer).
    const project = mine[0];
    const milestones = await rows(api, `/api/records/milestone?limit=200&where=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'project' }, project.id] }))}`);
    await page.getByTestId(`portal-project-${project.id}`).getByRole('link').click();
    await page.getByTestId('portal-project').waitFor();
    if (milestones.length > 0) {
      await page.getByTestId('portal-milestones').waitFor();
      expect(await page.locator('[data-testid^="portal-milestone-"]').count()).toBe(milestones.length);
      for (const m of milestones) expect(await page.getByTestId(`portal-milestone-${m.id}`).textContent()).toContain(String(m.name));
    }
    await screenshot(page, `portal-project-${language}`);

    // Another company's project is not there for this customer, even by its address.
    // (the browser logs the server's 404 for it: the one console error expected here).
    expect(problems).toEqual([]);
    await page.goto(`/portal/projects/${theirs[0].id}`);
    await page.getByTestId('portal-not-found').waitFor();
    expect(unexpectedErrors(problems, 404)).toEqual([]);
    problems.length = 0;

    // A new ticket, typed in the form, shows in the ticket list.
    const subject = `Portal e2e ${language} ${Date.now()}`;
    await page.goto('/portal');
    await page.getByTestId('portal-new-ticket').click();
    await page.getByTestId('portal-ticket-form').waitFor();
    await page.locator('#subject').fill(subject);
    await page.locator('#description').fill('The export button does nothing.');
    await screenshot(page, `portal-new-ticket-${language}`);
    await page.getByTestId('portal-ticket-submit').click();
    await page.getByTestId('portal-ticket-created').waitFor();
    await page.getByTestId('portal-tickets').getByText(subject).waitFor();
    const tickets = await rows(api, '/api/records/ticket?limit=200');
    expect(tickets.some((t) => t.subject === subject)).toBe(true);
    await screenshot(page, `portal-tickets-${language}`);

    // The NPS survey of a completed project, answered and saved as this customer.
    const comment = `Survey e2e ${language} ${Date.now()}`;
    const completed = (await rows(api, '/api/records/project?limit=200&where=' + encodeURIComponent(JSON.stringify({ '==': [{ var: 'status' }, 'completed'] }))))[0];
    expect(completed).toBeTruthy();
    await page.goto(`/portal/projects/${completed.id}`);
    await page.getByTestId('portal-rate').click();
    await page.getByTestId('portal-survey-form').waitFor();
    await page.locator('label', { has: page.getByTestId('portal-score-9') }).click();
    await page.locator('#comment').fill(comment);
    await screenshot(page, `portal-survey-${language}`);
    await page.getByTestId('portal-survey-submit').click();
    await page.getByTestId('portal-survey-thanks').waitFor();
    expect(await page.getByTestId('portal-survey-thanks').textContent()).toContain(TEXT[language].thanks);
    const responses = await rows(api, '/api/records/nps_response?limit=200');
    const saved = responses.find((r) => r.comment === comment);
    expect(saved?.project).toBe(completed.id);
    await screenshot(page, `portal-survey-thanks-${language}`);

    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
}

it('shows customer2@ only their own company, projects and tickets', async () => {
  const context = await newContext(browser, demoUrl, 'en');
  const page = await signInThroughUi(context, 'customer2@example.com');
  const problems = collectErrors(page);
  const mine = await rows(context.request, '/api/records/project?limit=200');
  const cards = page.locator('[data-testid^="portal-project-"]');
  await until(async () => (await cards.count()) === mine.length, 'one card per project');
  expect(await page.getByTestId('portal-company').textContent()).toContain('Summit Logistics');
  const harbor = await projectsSeenBy('customer@example.com');
  expect(harbor.length).toBeGreaterThan(0);
  for (const project of harbor) expect(await page.getByTestId(`portal-project-${project.id}`).count()).toBe(0);
  await screenshot(page, 'portal-home-customer2-en');
  const tickets = await rows(context.request, '/api/records/ticket?limit=200');
  expect(tickets.length).toBeGreaterThan(0);
  expect(new Set(tickets.map((t) => t.company)).size).toBe(1);
  await page.goto('/portal/tickets');
  await page.getByTestId('portal-tickets').waitFor();
  await until(async () => (await page.locator('[data-testid="portal-tickets"] tbody tr.ant-table-row').count()) === tickets.length, 'one row per ticket');
  expect(problems).toEqual([]);
  await context.close();
}, 30_000);

// The whole day the issue describes, on the demo instance, once in English and once in
// Chinese: a sales rep creates a lead and converts it, moves the deal through the pipeline
// on the pipeline board to won, creates the contract and asks to sign it; the sales manager approves from the
// approvals inbox; the project manager finds the new project (four milestones, a starter
// plan of tasks) and completes tasks until progress passes 80%; the rep's notification
// appears; and a customer's portal shows only the customer's own projects. Only clicks and
// keystrokes in the browser; the API is read to check what the server stored.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectErrors, launch, newContext, screenshot, signIn, type Language } from './support/browser';
import { dragCard } from './support/board';
import { choose, unexpectedErrors, until } from './support/ui';

const url = inject('demoUrl');
const logins = inject('demoLogins') as Record<string, string>;
const LANGUAGES: Language[] = ['en', 'zh-CN'];
const TEXT = {
  en: { contracts: 'Contracts', milestones: 'Milestones', tasks: 'Tasks', done: 'Done', won: 'Won', signed: 'Signed', progressNote: '80%' },
  'zh-CN': { contracts: '合同', milestones: '里程碑', tasks: '任务', done: '已完成', won: '赢单', signed: '已签署', progressNote: '80%' },
};

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

const open: { name: string; page: Page }[] = [];

async function person(email: string, language: Language): Promise<Person> {
  const context = await newContext(browser, url, language);
  await signIn(context, email, logins[email]);
  const page = await context.newPage();
  open.push({ name: `${email.split('@')[0]}-${language}`, page });
  return { context, page, problems: collectErrors(page) };
}

/** On a failure, what each person's screen showed (the run's screenshots folder). */
async function showScreens(): Promise<void> {
  for (const { name, page } of open.splice(0)) {
    if (!page.isClosed()) await screenshot(page, `journey-failed-${name}`).catch(() => undefined);
  }
}

async function recordId(page: Page, entity: string): Promise<string> {
  const root = page.locator(`[data-testid="record-page"][data-entity="${entity}"]`);
  await root.waitFor({ timeout: 15_000 });
  return (await root.getAttribute('data-record-id')) ?? '';
}

async function api<T>(context: BrowserContext, path: string): Promise<T> {
  const answer = await context.request.get(path);
  expect(answer.status(), path).toBe(200);
  return (await answer.json()) as T;
}

async function take(page: Page, transition: string, fill?: () => Promise<void>): Promise<void> {
  await page.getByTestId(`transition-${transition}`).click();
  await page.getByTestId('transition-modal').waitFor();
  await fill?.();
  await page.locator('.ant-modal-wrap:visible .ant-modal-footer .ant-btn-primary').click();
  await page.getByTestId('transition-modal').waitFor({ state: 'detached' });
}

/** Types a `YYYY-MM-DD` date into a transition's DatePicker and leaves it with Tab (Enter
 * would also submit the modal's form, racing its OK button). */
async function typeModalDate(page: Page, id: string, date: string): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.pressSequentially(date, { delay: 20 });
  await input.press('Tab');
  await page.locator('.ant-picker-dropdown:visible').waitFor({ state: 'hidden' });
}

async function stateOf(page: Page): Promise<string> {
  return ((await page.getByTestId('record-state').first().textContent()) ?? '').trim();
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

describe('a deal from lead to delivery', () => {
  for (const language of LANGUAGES) {
    it(`runs from the rep's lead to the customer's portal (${language})`, async () => {
      try {
        await journey(language);
      } catch (error) {
        await showScreens();
        throw error;
      }
    }, 240_000);
  }
});

async function journey(language: Language): Promise<void> {
  const text = TEXT[language];
  const stamp = `${language === 'en' ? 'EN' : 'ZH'}${Date.now() % 1_000_000}`;
  const companyName = `Journey ${stamp}`;

  // --- the sales rep: a lead, converted -------------------------------------------------
  const rep = await person('rep@example.com', language);
  await rep.page.goto('/');
  await rep.page.getByTestId('nav-entity-lead').click();
  await rep.page.getByTestId('new-record').click();
  await rep.page.locator('#root_name').waitFor();
  await rep.page.locator('#root_name').pressSequentially(`Lead ${stamp}`);
  await rep.page.locator('#root_company_name').pressSequentially(companyName);
  await screenshot(rep.page, `journey-new-lead-${language}`);
  await rep.page.getByTestId('form-submit').click();
  await recordId(rep.page, 'lead');
  await rep.page.getByTestId('action-convert_lead').click();
  await rep.page.locator('.ant-popover:visible .ant-btn-primary').click();
  await rep.page.getByTestId('created-deal').click();
  const dealId = await recordId(rep.page, 'deal');

  // --- the deal dragged through the pipeline board to won --------------------------------------
  const board = rep.page;
  await board.goto(`/e/deal/v/deal_board?where=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'id' }, Number(dealId)] }))}`);
  const card = `kanban-card-${dealId}`;
  const moveTo = async (column: string, fill?: () => Promise<void>) => {
    // Both ends on screen first: the board scrolls sideways and a drag must not make it move.
    await board.getByTestId(`kanban-column-${column}`).scrollIntoViewIfNeeded();
    await board.getByTestId(card).scrollIntoViewIfNeeded();
    await dragCard(board, card, `kanban-column-${column}`);
    if (fill) {
      await board.getByTestId('transition-form').waitFor();
      await fill();
      await board.getByTestId('transition-confirm').click();
    }
    await board.getByTestId(`kanban-column-${column}`).getByTestId(card).waitFor({ timeout: 15_000 });
  };
  await moveTo('needs_analysis');
  await moveTo('proposal', async () => {
    await board.locator('#transition_amount').pressSequentially('280000');
    await typeModalDate(board, 'transition_expected_close', '2027-01-31');
  });
  await screenshot(board, `journey-deal-board-${language}`);
  await moveTo('negotiation');
  await moveTo('won', async () => undefined);
  await board.goto(`/e/deal/r/${dealId}`);
  await until(async () => (await stateOf(rep.page)) === text.won, 'the deal is won');
  const deal = await api<{ stage: string; company: number; amount: number }>(rep.context, `/api/records/deal/${dealId}`);
  expect(deal.stage).toBe('won');
  await screenshot(rep.page, `journey-deal-won-${language}`);

  // --- the contract, created from the deal and sent for signature ----------------------------
  await openTab(rep.page, text.contracts);
  await rep.page.getByTestId('related-new-contract').click();
  await rep.page.locator('#root_amount').waitFor();
  await choose(rep.page, 'root_company', companyName, companyName);
  await rep.page.locator('#root_amount').pressSequentially('280000');
  await rep.page.getByTestId('form-submit').click();
  const contractId = await recordId(rep.page, 'contract');
  const contract = await api<{ deal: number; owner: number; number: string }>(rep.context, `/api/records/contract/${contractId}`);
  expect(contract.deal).toBe(Number(dealId));
  await take(rep.page, 'submit', async () => {
    await typeModalDate(rep.page, 'transition-start_date', '2026-12-14');
  });
  await take(rep.page, 'sign', async () => {
    await typeModalDate(rep.page, 'transition-signed_date', '2026-12-10');
  });
  await rep.page.getByTestId('approval-panel').waitFor();
  await screenshot(rep.page, `journey-contract-awaiting-approval-${language}`);

  // --- the sales manager approves from the inbox ------------------------------------------------
  const manager = await person('sales.manager@example.com', language);
  await manager.page.goto('/');
  await manager.page.getByTestId('approvals-inbox').click();
  const request = manager.page.locator('[data-testid="approval"]').filter({ hasText: contract.number });
  await request.waitFor();
  await screenshot(manager.page, `journey-approvals-inbox-${language}`);
  await request.getByTestId('approval-approve').click();
  await until(async () => (await manager.page.locator('[data-testid="approval"]').filter({ hasText: contract.number }).count()) === 0, 'the request leaves the to-do list');
  const signed = await api<{ status: string }>(rep.context, `/api/records/contract/${contractId}`);
  expect(signed.status).toBe('signed');

  // --- the project manager finds the new project and completes tasks ------------------------------
  const admin = await person('admin@example.com', language);
  const projects = await api<{ items: { id: number; name: string; manager: number }[] }>(
    admin.context,
    `/api/records/project?where=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'contract' }, Number(contractId)] }))}`,
  );
  expect(projects.items).toHaveLength(1);
  const project = projects.items[0];
  // The least loaded project manager got it: whoever that is works on it now.
  const managerUser = await api<{ email: string; roles: string[] }>(admin.context, `/api/users/${project.manager}`);
  expect(managerUser.roles).toContain('project_manager');
  const pm = await person(managerUser.email, language);
  await pm.page.goto('/');
  await pm.page.getByTestId('notifications-inbox').click();
  const told = pm.page.locator('[data-testid="notification"]').filter({ hasText: project.name });
  await told.first().waitFor();
  await screenshot(pm.page, `journey-pm-notifications-${language}`);
  await told.first().getByRole('button').first().click();
  expect(await recordId(pm.page, 'project')).toBe(String(project.id));
  await openTab(pm.page, text.milestones);
  await until(async () => (await pm.page.locator('[data-testid^="related-milestone-"] tbody tr.ant-table-row').count()) === 4, 'four milestones');
  await screenshot(pm.page, `journey-project-${language}`);
  await openTab(pm.page, text.tasks);
  const taskRows = pm.page.locator('[data-testid^="related-task-project"] tbody tr.ant-table-row');
  await until(async () => (await taskRows.count()) === 5, 'the five starter tasks');
  const taskLinks = await taskRows.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
  const tasks = [...new Set(taskLinks.filter((href): href is string => Boolean(href && href.includes('/e/task/r/'))))];
  expect(tasks).toHaveLength(5);
  for (const href of tasks.slice(0, 4)) {
    await pm.page.goto(href);
    await recordId(pm.page, 'task');
    await pm.page.getByTestId('record-edit').click();
    await choose(pm.page, 'root_status', text.done);
    await pm.page.getByTestId('form-submit').click();
    await pm.page.getByTestId('record-edit').waitFor();
  }
  const progressed = await api<{ progress: number }>(pm.context, `/api/records/project/${project.id}`);
  expect(progressed.progress).toBeGreaterThanOrEqual(80);

  // --- the rep is told ------------------------------------------------------------------------
  await rep.page.goto('/inbox/notifications');
  const note = rep.page.locator('[data-testid="notification"]').filter({ hasText: project.name }).filter({ hasText: text.progressNote });
  await note.first().waitFor({ timeout: 15_000 });
  await screenshot(rep.page, `journey-rep-notified-${language}`);

  // --- a customer sees only their own company's projects --------------------------------------------
  const customer = await person('customer@example.com', language);
  await customer.page.goto('/');
  await until(async () => new URL(customer.page.url()).pathname.startsWith('/portal'), 'the customer lands in the portal');
  const mine = await api<{ items: { id: number; name: string; customer: number }[] }>(customer.context, '/api/records/project');
  expect(mine.items.length).toBeGreaterThan(0);
  expect(mine.items.map((p) => p.id)).not.toContain(project.id);
  await customer.page.getByText(mine.items[0].name).first().waitFor();
  expect(await customer.page.getByText(project.name).count()).toBe(0);
  await screenshot(customer.page, `journey-portal-${language}`);

  for (const who of [rep, manager, pm, customer, admin]) {
    expect(unexpectedErrors(who.problems)).toEqual([]);
    await who.context.close();
  }
}

// The record page as a sales rep lives in it, in English and in Chinese: a lead created
// through New, converted by its manual rule, the created deal followed and moved on with
// "Send proposal" (amount and expected close asked in the modal), the move seen in the
// history; the company's related contacts and deals; and a project manager attaching a
// file to a document (an entity with an attachment field).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectErrors, launch, newContext, screenshot, signIn, type Language } from './support/browser';
import { typeDate, unexpectedErrors, until } from './support/ui';

const LANGUAGES: Language[] = ['en', 'zh-CN'];
const TEXT = {
  en: { proposal: 'Proposal', contacts: 'Contacts', deals: 'Deals', moved: 'Send proposal' },
  'zh-CN': { proposal: '方案报价', contacts: '联系人', deals: '商机', moved: '发送方案' },
};

let browser: Browser;
const url = inject('demoUrl');
const logins = inject('demoLogins') as Record<string, string>;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function confirmPopover(page: Page): Promise<void> {
  const ok = page.locator('.ant-popover:visible .ant-btn-primary');
  await ok.waitFor();
  await ok.click();
}

/** 404 answers the page got other than "this entity has no workflow" (its transitions). */
function unexpectedMissing(page: Page): string[] {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404 && !/\/api\/records\/\w+\/\d+\/transitions$/.test(response.url())) missing.push(new URL(response.url()).pathname);
  });
  return missing;
}

async function recordPage(page: Page, entity: string): Promise<string> {
  const root = page.locator(`[data-testid="record-page"][data-entity="${entity}"]`);
  await root.waitFor({ timeout: 15_000 });
  return (await root.getAttribute('data-record-id')) ?? '';
}

describe('record page', () => {
  for (const language of LANGUAGES) {
    it(`a rep converts a new lead and moves its deal on (${language})`, async () => {
      const context = await newContext(browser, url, language);
      await signIn(context, 'rep@example.com', logins['rep@example.com']);
      const page = await context.newPage();
      const problems = collectErrors(page);
      const missing = unexpectedMissing(page);
      const stamp = `${language} ${Date.now()}`;

      await page.goto('/e/lead/new');
      await page.locator('#root_name').waitFor();
      await page.locator('#root_name').pressSequentially(`E2E Lead ${stamp}`);
      await page.locator('#root_company_name').pressSequentially(`E2E Co ${stamp}`);
      await screenshot(page, `records-new-${language}`);
      await page.getByTestId('form-submit').click();
      const leadId = await recordPage(page, 'lead');
      expect(leadId).not.toBe('');
      await expect.poll(() => page.getByTestId('record-title').textContent()).toBe(`E2E Lead ${stamp}`);

      await page.getByTestId('action-convert_lead').click();
      await confirmPopover(page);
      const created = page.getByTestId('created-deal');
      await created.waitFor({ timeout: 15_000 });
      await created.click();
      const dealId = await recordPage(page, 'deal');
      expect(dealId).not.toBe('');
      await expect.poll(() => page.getByTestId('record-title').textContent()).toContain(`E2E Co ${stamp}`);

      await page.getByTestId('transition-send_proposal').click();
      await page.getByTestId('transition-modal').waitFor();
      await page.locator('#transition-amount').fill('');
      await page.locator('#transition-amount').pressSequentially('125000');
      await typeDate(page, 'transition-expected_close', '2027-03-15');
      await page.getByTestId('transition-submit').click();
      await page.getByTestId('transition-modal').waitFor({ state: 'detached' });
      await until(async () => ((await page.getByTestId('record-state').first().textContent()) ?? '') === TEXT[language].proposal, 'the deal shows Proposal');
      await until(async () => (await page.locator('[data-testid="history-item"][data-kind="workflow"]').count()) > 0, 'the move is in the history');
      expect(await page.locator('[data-testid="history-item"][data-kind="workflow"]').first().textContent()).toContain(TEXT[language].moved);
      const stored = await context.request.get(`/api/records/deal/${dealId}`);
      const deal = (await stored.json()) as Record<string, unknown>;
      expect(deal.stage).toBe('proposal');
      expect(deal.amount).toBe(125000);
      expect(deal.expected_close).toBe('2027-03-15');
      await screenshot(page, `records-deal-${language}`);

      // The company the conversion created, with its related contacts and deals.
      await page.locator('[data-field="company"] a').click();
      await recordPage(page, 'company');
      const tabs = page.locator('[data-testid="related"] .ant-tabs-tab');
      await until(async () => (await tabs.allTextContents()).some((text) => text.startsWith(`${TEXT[language].contacts} (1)`)), 'the contacts tab counts one');
      expect((await tabs.allTextContents()).some((text) => text.startsWith(`${TEXT[language].deals} (1)`))).toBe(true);
      await screenshot(page, `records-company-${language}`);

      // Leads and companies have no workflow: their transitions answer 404 (no buttons shown).
      expect(unexpectedErrors(problems, 404)).toEqual([]);
      expect(missing).toEqual([]);
      await context.close();
    }, 60_000);
  }

  it('a project manager attaches a file to a document', async () => {
    const context = await newContext(browser, url, 'en');
    const login = await context.request.post('/api/auth/login', { data: { email: 'pm@example.com', password: logins['pm@example.com'] } });
    const csrf = ((await login.json()) as { user: { csrf_token: string } }).user.csrf_token;
    const projects = (await (await context.request.get('/api/records/project?limit=1')).json()) as { items: { id: number }[] };
    const created = await context.request.post('/api/records/document', {
      data: { name: `E2E document ${Date.now()}`, project: projects.items[0].id },
      headers: { 'X-CSRF-Token': csrf },
    });
    expect(created.status()).toBe(201);
    const document = (await created.json()) as { id: number };
    const page = await context.newPage();
    const problems = collectErrors(page);
    const missing = unexpectedMissing(page);
    await page.goto(`/e/document/r/${document.id}`);
    await recordPage(page, 'document');
    await page.locator('[data-testid="attachments-file"] input[type="file"]').setInputFiles({
      name: 'minutes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('kick-off minutes'),
    });
    const link = page.locator('[data-testid="attachments-file"] [data-testid="attachment-link"]');
    await link.waitFor({ timeout: 10_000 });
    expect(await link.textContent()).toBe('minutes.txt');
    const href = (await link.getAttribute('href')) ?? '';
    const download = await context.request.get(href);
    expect(await download.text()).toBe('kick-off minutes');
    await screenshot(page, 'records-document-en');

    // Edit through the form, then delete (soft) and restore.
    await page.getByTestId('record-edit').click();
    await page.locator('#root_name').fill('');
    await page.locator('#root_name').pressSequentially('E2E renamed document');
    await page.getByTestId('form-submit').click();
    await until(async () => (await page.getByTestId('record-title').textContent()) === 'E2E renamed document', 'the new name shows');
    await page.getByTestId('record-delete').click();
    await confirmPopover(page);
    await page.getByTestId('record-deleted').waitFor();
    expect((await context.request.get(`/api/records/document/${document.id}`)).status()).toBe(404);
    await page.getByTestId('record-restore').click();
    await until(async () => (await page.getByTestId('record-title').count()) > 0, 'the restored record shows');
    const restored = await context.request.get(`/api/records/document/${document.id}`);
    expect(restored.status()).toBe(200);
    const after = (await restored.json()) as { name: string; file: { name: string }[] };
    expect(after.name).toBe('E2E renamed document');
    expect(after.file.map((f) => f.name)).toEqual(['minutes.txt']);
    // A document has no workflow: its transitions answer 404 (the page shows none); the
    // deleted record's own 404 is expected too.
    expect(unexpectedErrors(problems, 404)).toEqual([]);
    expect(missing).toEqual([]);
    await context.close();
  }, 40_000);
});

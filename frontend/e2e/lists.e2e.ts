// The Deals list as a rep uses it, in English and Chinese: localized columns, search, a filter
// built in the filter builder (checked against the API), sort, paging, bulk edit and bulk delete
// of the rep's own new records, a saved view reopened, CSV export, and the import wizard (as the sales manager, who
// holds the import grant) with one bad row reported.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext, screenshot, signIn, type Language } from './support/browser';
import { unexpectedErrors, until } from './support/ui';

const demoUrl = inject('demoUrl');
const logins = inject('demoLogins');
const REP = 'rep@example.com';
const MANAGER = 'sales.manager@example.com';
const stamp = Date.now().toString(36);
let browser: Browser;
let api: SeedApi;

beforeAll(async () => {
  api = new SeedApi(demoUrl);
  await api.signIn(REP, logins[REP]);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function openDeals(language: Language, email = REP): Promise<{ page: Page; problems: string[] }> {
  const context = await newContext(browser, demoUrl, language);
  await signIn(context, email, logins[email]);
  const page = await context.newPage();
  const problems = collectErrors(page);
  await page.goto('/e/deal');
  await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first().waitFor();
  return { page, problems };
}

const headers = async (page: Page) => (await page.getByTestId('list-table').locator('thead th').allTextContents()).map((t) => t.trim()).filter(Boolean);
const rowCount = (page: Page) => page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').count();

it('shows localized columns, searches, filters like the API, sorts and pages', async () => {
  for (const [language, labels] of [
    ['en', ['Name', 'Company', 'Stage', 'Amount']],
    ['zh-CN', ['名称', '公司', '阶段', '金额']],
  ] as const) {
    const { page, problems } = await openDeals(language);
    const shown = await headers(page);
    for (const label of labels) expect(shown).toContain(label);
    await screenshot(page, `lists-list-${language}`);
    if (language === 'en') {
      // Filter: amount > 150000, compared with what the API answers for the same condition.
      const where = { '>': [{ var: 'amount' }, 150000] };
      const expected = await api.ok<{ total: number }>('GET', `/api/records/deal?limit=1&where=${encodeURIComponent(JSON.stringify(where))}`);
      await page.getByTestId('filter-toggle').click();
      await page.getByTestId('filter-builder').getByRole('button', { name: /Add condition/ }).click();
      const rule = page.getByTestId('filter-builder').locator('.rule').first();
      await rule.locator('.rule-fields').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: /^Amount$/ }).click();
      await rule.locator('.rule-operators').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: /^>$/ }).click();
      await rule.locator('.rule-value input, input.rule-value').first().fill('150000');
      await until(async () => ((await page.getByTestId('list-total').textContent()) ?? '').includes(`${expected.total} records`), 'filtered total');
      await screenshot(page, `lists-filter-${language}`);
      const amounts = await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"] td:nth-child(5)').allTextContents();
      for (const text of amounts) expect(Number(text.replace(/[^\d.]/g, ''))).toBeGreaterThan(150000);
      await page.getByTestId('filter-clear').click();
      // Quick search
      await page.getByTestId('list-search').locator('input').fill('Renewal');
      await page.getByTestId('list-search').locator('input').press('Enter');
      const searched = await api.ok<{ total: number }>('GET', '/api/records/deal?limit=1&q=Renewal');
      await until(async () => ((await page.getByTestId('list-total').textContent()) ?? '').includes(`${searched.total} records`), 'searched total');
      await page.getByTestId('list-search').locator('input').fill('');
      // A plain header click sorts by that column alone (replacing the view's expected-close
      // sort); the second click makes it descending. Compared with the API's own -amount order.
      const header = (label: string) => page.getByTestId('list-table').locator('thead th').filter({ hasText: label });
      const firstRowText = async () => (await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first().textContent()) ?? '';
      await header('Amount').click();
      await until(async () => (await header('Amount').getAttribute('aria-sort')) === 'ascending', 'amount ascending');
      await header('Amount').click();
      await until(async () => (await header('Amount').getAttribute('aria-sort')) === 'descending', 'amount descending');
      expect(await header('Expected close').getAttribute('aria-sort')).toBeNull();
      const top = await api.ok<{ items: { name: string }[] }>('GET', '/api/records/deal?limit=1&sort=-amount');
      await until(async () => (await firstRowText()).includes(top.items[0].name), 'sorted by amount');
      // Saved view: keep this sort under a name, reload (back to the view's sort), reopen it.
      const viewName = `sv-${stamp}`;
      await page.getByTestId('save-view').click();
      await page.getByTestId('save-view-name').fill(viewName);
      await page.getByTestId('save-view-ok').click();
      await page.getByTestId('save-view-name').waitFor({ state: 'hidden' });
      await page.reload();
      await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first().waitFor();
      expect(await header('Amount').getAttribute('aria-sort')).toBeNull();
      await page.getByTestId('saved-views').click();
      await page.getByTestId(`saved-view-${viewName}`).click();
      await until(async () => (await header('Amount').getAttribute('aria-sort')) === 'descending', 'saved sort reopened');
      await until(async () => (await firstRowText()).includes(top.items[0].name), 'saved view rows');
      const saved = await api.ok<{ items: { name: string; state: { sort: string[] } }[] }>('GET', '/api/saved-views?entity=deal');
      expect(saved.items.find((v) => v.name === viewName)?.state.sort).toEqual(['-amount']);
      // Paging with 25 a page
      await page.getByTestId('page-size').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '25' }).click();
      await until(async () => (await rowCount(page)) === 25, '25 rows');
      const firstOfPage1 = await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first().getAttribute('data-testid');
      await page.getByTestId('page-next').click();
      await until(async () => ((await page.getByTestId('page-number').textContent()) ?? '').includes('2'), 'page 2');
      await until(async () => (await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first().getAttribute('data-testid')) !== firstOfPage1, 'new rows');
      await page.getByTestId('page-previous').click();
      await until(async () => (await page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first().getAttribute('data-testid')) === firstOfPage1, 'page 1 again');
      // Keyboard: Enter on a focused row opens the record
      const row = page.getByTestId('list-table').locator('tbody tr[data-testid^="row-"]').first();
      await row.focus();
      await row.press('Enter');
      await page.waitForURL(/\/e\/deal\/r\//);
    }
    expect(unexpectedErrors(problems)).toEqual([]);
    await page.context().close();
  }
}, 90_000);

/** The signed-in browser's CSRF token, for a request the page itself does not offer. */
async function csrfOf(page: Page): Promise<string> {
  const me = (await (await page.context().request.get('/api/auth/me')).json()) as { csrf_token?: string; user?: { csrf_token?: string } };
  return me.csrf_token ?? me.user?.csrf_token ?? '';
}

it('bulk-edits two of the rep’s own new deals, exports CSV, refuses the rep’s delete, lets the manager delete and undo', async () => {
  const made = [];
  for (const n of [1, 2]) made.push(await api.ok<{ id: number }>('POST', '/api/records/deal', { name: `ls-${stamp}-${n}`, stage: 'qualification', amount: 1000 + n }));
  const { page, problems } = await openDeals('en');
  await page.getByTestId('list-search').locator('input').fill(`ls-${stamp}`);
  await page.getByTestId('list-search').locator('input').press('Enter');
  await until(async () => (await rowCount(page)) === 2, 'two own rows');
  for (const record of made) await page.getByTestId(`row-${record.id}`).locator('.ant-checkbox-input').check();
  await page.getByTestId('bulk-edit').click();
  await page.getByTestId('bulk-field').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: /^Amount$/ }).click();
  await page.locator('[data-testid="bulk-value"] input, input[data-testid="bulk-value"]').first().fill('4242');
  await page.getByTestId('bulk-apply').click();
  await until(async () => {
    const answers = await Promise.all(made.map((r) => api.ok<{ amount: number }>('GET', `/api/records/deal/${r.id}`)));
    return answers.every((a) => a.amount === 4242);
  }, 'amounts changed');
  await screenshot(page, 'lists-bulk-en');
  // Export what is shown
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf-8');
  expect(csv.split(/\r?\n/)[0]).toContain('Name');
  expect(csv).toContain(`ls-${stamp}-1`);
  // A rep holds no delete grant on deals: Delete is not offered (Edit is), and the server
  // refuses the same bulk delete asked for directly; the records stay.
  const chooseBoth = async (on: Page) => {
    for (const record of made) await on.getByTestId(`row-${record.id}`).locator('.ant-checkbox-input').check();
  };
  await chooseBoth(page);
  await page.getByTestId('bulk-actions').waitFor();
  await page.getByTestId('bulk-edit').waitFor();
  expect(await page.getByTestId('bulk-delete').count()).toBe(0);
  const refused = await page.context().request.post('/api/records/deal/bulk', {
    data: { action: 'delete', ids: made.map((m) => m.id) },
    headers: { 'X-CSRF-Token': await csrfOf(page) },
  });
  const answer = (await refused.json()) as { succeeded?: unknown[]; errors?: unknown[] };
  expect(refused.status() === 403 || (answer.succeeded?.length === 0 && answer.errors?.length === 2), JSON.stringify(answer)).toBe(true);
  expect((await api.call('GET', `/api/records/deal/${made[0].id}`)).status).toBe(200);
  expect(unexpectedErrors(problems)).toEqual([]);
  await page.context().close();
  // The sales manager, who may delete, deletes both and undoes it.
  const managerSide = await openDeals('en', MANAGER);
  const manager = managerSide.page;
  await manager.getByTestId('list-search').locator('input').fill(`ls-${stamp}`);
  await manager.getByTestId('list-search').locator('input').press('Enter');
  await until(async () => (await rowCount(manager)) === 2, 'two rows for the manager');
  await chooseBoth(manager);
  await manager.getByTestId('bulk-delete').click();
  await manager.getByTestId('bulk-delete-confirm').click();
  await manager.getByTestId('bulk-deleted').waitFor();
  expect(await manager.getByTestId('bulk-deleted').textContent()).toContain('2');
  await until(async () => (await api.call('GET', `/api/records/deal/${made[0].id}`)).status === 404, 'deleted');
  await manager.getByTestId('bulk-undo').click();
  await until(async () => (await api.call('GET', `/api/records/deal/${made[0].id}`)).status === 200, 'restored');
  expect(unexpectedErrors(managerSide.problems)).toEqual([]);
  await manager.context().close();
}, 60_000);

it('imports a CSV through the wizard and reports the bad row', async () => {
  for (const language of ['en', 'zh-CN'] as const) {
    const folder = mkdtempSync(join(tmpdir(), 'lists-'));
    const path = join(folder, 'deals.csv');
    writeFileSync(path, `Name,Amount,Stage\nim-${stamp}-${language}-a,1200,Qualification\nim-${stamp}-${language}-b,not a number,Qualification\n`);
    const { page, problems } = await openDeals(language, MANAGER);
    await page.getByTestId('import-button').click();
    await page.getByTestId('import-file').setInputFiles(path);
    await page.getByTestId('import-mapping').waitFor();
    await screenshot(page, `lists-import-map-${language}`);
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-errors').waitFor();
    expect(await page.getByTestId('import-errors').textContent()).toContain('3');
    await screenshot(page, `lists-import-preview-${language}`);
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-back').waitFor();
    await screenshot(page, `lists-import-report-${language}`);
    const manager = new SeedApi(demoUrl);
    await manager.signIn(MANAGER, logins[MANAGER]);
    const found = await manager.ok<{ total: number }>('GET', `/api/records/deal?limit=1&q=im-${stamp}-${language}`);
    expect(found.total).toBe(1);
    expect(unexpectedErrors(problems)).toEqual([]);
    await page.context().close();
  }
}, 60_000);

// The form journey of a signed-in user, in English and in Chinese: a project form with
// tabs, a conditional field, a sub-table, a relation picker that searches as you type and a
// user picker is filled with clicks and keystrokes, blocked while it has errors, submitted,
// and the record the server stored is checked through the API. Then what only the server
// can know (a unique value already taken) shows inline, and an existing record is edited.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext, screenshot, signIn, type Language } from './support/browser';
import { ADMIN } from './support/server';
import { choose, fieldItem, inlineErrors, openOptions, optionTexts, typeDate, unexpectedErrors, until } from './support/ui';

const L = (en: string, zh: string) => ({ en, 'zh-CN': zh });

const COMPANY = {
  key: 'jr_company',
  label: L('Company', '公司'),
  title_field: 'name',
  fields: [{ key: 'name', type: 'text', label: L('Name', '名称'), required: true }],
};
const PROJECT = {
  key: 'jr_project',
  label: L('Project', '项目'),
  title_field: 'name',
  fields: [
    { key: 'name', type: 'text', label: L('Name', '名称'), required: true },
    { key: 'code', type: 'text', label: L('Code', '编号'), unique: true },
    {
      key: 'status',
      type: 'select',
      label: L('Status', '状态'),
      options: {
        choices: [
          { value: 'planning', label: L('Planning', '规划中') },
          { value: 'active', label: L('Active', '进行中') },
          { value: 'cancelled', label: L('Cancelled', '已取消') },
        ],
      },
    },
    { key: 'cancel_reason', type: 'long_text', label: L('Cancel reason', '取消原因') },
    { key: 'owner', type: 'user', label: L('Owner', '负责人') },
    { key: 'customer', type: 'relation', label: L('Customer', '客户'), options: { target: 'jr_company' } },
    {
      key: 'milestones',
      type: 'sub_table',
      label: L('Milestones', '里程碑'),
      options: {
        fields: [
          { key: 'title', type: 'text', label: L('Title', '标题'), required: true },
          { key: 'due', type: 'date', label: L('Due', '截止') },
          { key: 'weight', type: 'integer', label: L('Weight', '权重') },
        ],
      },
    },
  ],
};
const FORM = {
  key: 'jr_project_form',
  label: L('Project', '项目'),
  entity: 'jr_project',
  fields: ['name', 'code', 'status', 'cancel_reason', 'owner', 'customer', 'milestones'],
  layout: {
    tabs: [
      {
        key: 'main',
        label: L('Main', '基本信息'),
        sections: [
          { label: L('Basics', '概要'), columns: 2, fields: ['name', 'code', 'status', 'cancel_reason', 'owner', 'customer'] },
        ],
      },
      { key: 'plan', label: L('Plan', '计划'), sections: [{ fields: ['milestones'] }] },
    ],
  },
  rules: [{ field: 'cancel_reason', visible: { '==': [{ var: 'status' }, 'cancelled'] }, required: true }],
};

/** What the page must say in each language: ours (server titles, app strings) and antd's own. */
const TEXT = {
  en: {
    title: 'Project', main: 'Main', plan: 'Plan', section: 'Basics', name: 'Name', status: 'Status',
    cancelled: 'Cancelled', active: 'Active', submit: 'Submit', required: 'is required', addRow: 'Add row',
    datePlaceholder: 'Select date', milestones: 'Milestones',
  },
  'zh-CN': {
    title: '项目', main: '基本信息', plan: '计划', section: '概要', name: '名称', status: '状态',
    cancelled: '已取消', active: '进行中', submit: '提交', required: '必填', addRow: '添加行',
    datePlaceholder: '请选择日期', milestones: '里程碑',
  },
} satisfies Record<Language, Record<string, string>>;

interface Stored {
  id: number;
  _version: number;
  name: string;
  code: string | null;
  status: string | null;
  cancel_reason?: string | null;
  owner: number | null;
  customer: number | null;
  milestones: Array<{ title: string; due: string | null; weight: number | null }>;
}

const baseUrl = inject('baseUrl');
const api = new SeedApi(baseUrl);
let browser: Browser;
const companies: Record<string, number> = {};
let meiId: number;

beforeAll(async () => {
  await api.signIn(ADMIN.email, ADMIN.password);
  await api.ok('POST', '/api/meta/entities', COMPANY);
  await api.ok('POST', '/api/meta/entities', PROJECT);
  await api.ok('POST', '/api/meta/forms', FORM);
  for (const name of ['Acme Robotics', 'Blue Harbor Trading']) {
    companies[name] = (await api.ok<{ id: number }>('POST', '/api/records/jr_company', { name })).id;
  }
  meiId = (
    await api.ok<{ id: number }>('POST', '/api/users', { email: 'jr-mei@example.com', password: 'mei correct horse', name: 'Mei Lin' })
  ).id;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function signedInPage(language: Language): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await newContext(browser, baseUrl, language);
  await signIn(context, ADMIN.email, ADMIN.password);
  const page = await context.newPage();
  return { context, page, problems: collectErrors(page) };
}

async function text(locator: ReturnType<Page['locator']>): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

describe.each(['en', 'zh-CN'] as const)('the project form in %s', (language) => {
  const words = TEXT[language];

  it('is filled, blocked while wrong, submitted and stored', async () => {
    const { context, page, problems } = await signedInPage(language);
    await page.goto('/forms/jr_project_form');
    await page.getByTestId('form-submit').waitFor();

    // Localized by the server (title, tabs, sections, labels) and by the app and antd.
    expect(await text(page.locator('.ant-card-head-title').first())).toBe(words.title);
    expect(await page.getByRole('tab', { name: words.main }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: words.plan }).count()).toBe(1);
    expect(await page.getByText(words.section, { exact: true }).count()).toBe(1);
    expect(await text(fieldItem(page, 'name').locator('label'))).toBe(words.name);
    expect(await text(fieldItem(page, 'status').locator('label'))).toBe(words.status);
    expect(await text(page.getByTestId('form-submit'))).toBe(words.submit);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);

    // The conditional field appears only once the status says so.
    expect(await page.locator('#root_cancel_reason').count()).toBe(0);
    await choose(page, 'root_status', words.cancelled);
    await page.locator('#root_cancel_reason').waitFor();

    // Submitting now is blocked in the browser: the name and the reason are missing.
    const submits: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/submit')) submits.push(request.url());
    });
    await page.getByTestId('form-submit').click();
    await page.locator('[data-field-error="cancel_reason"]').waitFor();
    expect(await inlineErrors(page)).toEqual({ name: words.required, cancel_reason: words.required });
    expect(submits).toEqual([]);
    await screenshot(page, `form-errors-${language}`);

    // Fill in the main tab; a reason typed and then made irrelevant is not sent.
    await page.locator('#root_name').pressSequentially(`Journey ${language}`);
    await page.locator('#root_code').pressSequentially(`JR-${language}`);
    await page.locator('#root_cancel_reason').pressSequentially('budget cut');
    // Errors clear as the fields are filled (React may render that a moment after the last key).
    await expect.poll(() => inlineErrors(page)).toEqual({});
    await choose(page, 'root_status', words.active);
    await page.locator('#root_cancel_reason').waitFor({ state: 'detached' });

    // The user picker and the relation picker search as the user types.
    await choose(page, 'root_owner', 'Mei Lin', 'Mei');
    await page.locator('#root_customer').click();
    const everyCompany = ['Acme Robotics', 'Blue Harbor Trading'];
    expect((await optionTexts(page, everyCompany)).sort()).toEqual(everyCompany); // opened: all of them
    await page.locator('#root_customer').pressSequentially('Harb', { delay: 40 });
    expect(await optionTexts(page, ['Blue Harbor Trading'])).toEqual(['Blue Harbor Trading']);
    await openOptions(page).filter({ hasText: 'Blue Harbor Trading' }).click();
    await until(async () => (await text(fieldItem(page, 'customer'))).includes('Blue Harbor Trading'), 'the customer is shown');

    // Two milestones in the Plan tab.
    await page.getByRole('tab', { name: words.plan }).click();
    const addRow = page.getByRole('button', { name: words.addRow });
    await addRow.click();
    await addRow.click();
    await page.locator('#root_milestones_1_title').waitFor();
    expect(await page.locator('#root_milestones_0_due').getAttribute('placeholder')).toBe(words.datePlaceholder);
    await page.locator('#root_milestones_0_title').pressSequentially('Kick-off');
    await typeDate(page, 'root_milestones_0_due', '2026-12-01');
    await page.locator('#root_milestones_0_weight').pressSequentially('40');
    await page.locator('#root_milestones_1_title').pressSequentially('Launch');
    await page.locator('#root_milestones_1_weight').pressSequentially('60');
    await screenshot(page, `form-${language}`);

    const answer = page.waitForResponse((r) => r.url().endsWith('/submit'));
    await page.getByTestId('form-submit').click();
    expect((await answer).status()).toBe(201);
    const success = page.getByTestId('form-success');
    await success.waitFor();
    const id = Number(await success.getAttribute('data-record-id'));
    expect(id).toBeGreaterThan(0);

    const stored = await api.ok<Stored>('GET', `/api/records/jr_project/${id}`);
    expect(stored).toMatchObject({
      name: `Journey ${language}`,
      code: `JR-${language}`,
      status: 'active',
      owner: meiId,
      customer: companies['Blue Harbor Trading'],
    });
    expect(stored.cancel_reason ?? null).toBeNull();
    expect(stored.milestones.map(({ title, due, weight }) => ({ title, due: due ?? null, weight }))).toEqual([
      { title: 'Kick-off', due: '2026-12-01', weight: 40 },
      { title: 'Launch', due: null, weight: 60 },
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('what only the server knows', () => {
  it('shows a unique value already taken under its field and keeps the form filled', async () => {
    await api.ok('POST', '/api/records/jr_project', { name: 'Existing', code: 'DUP-1' });
    const { context, page, problems } = await signedInPage('en');
    await page.goto('/forms/jr_project_form');
    await page.locator('#root_name').pressSequentially('Second one');
    await page.locator('#root_code').pressSequentially('DUP-1');
    const answer = page.waitForResponse((r) => r.url().endsWith('/submit'));
    await page.getByTestId('form-submit').click();
    const response = await answer;
    expect(response.status()).toBe(409);
    const error = page.locator('[data-field-error="code"]');
    await error.waitFor();
    expect(await text(error)).toBe('this value is already used by another record');
    expect(Object.keys(await inlineErrors(page))).toEqual(['code']);
    expect(await page.locator('#root_name').inputValue()).toBe('Second one');
    expect(await page.locator('#root_code').inputValue()).toBe('DUP-1');
    expect(await page.getByTestId('form-success').count()).toBe(0);
    // Changing the value clears the server's error.
    await page.locator('#root_code').pressSequentially('b');
    await error.waitFor({ state: 'detached' });
    // Chromium logs every 4xx answer; the expected 409 is the only one allowed.
    expect(unexpectedErrors(problems, 409)).toEqual([]);
    await context.close();
  });

  it('says so in Chinese to a zh-CN user', async () => {
    await api.ok('POST', '/api/records/jr_project', { name: 'Existing', code: 'DUP-2' });
    const { context, page, problems } = await signedInPage('zh-CN');
    await page.goto('/forms/jr_project_form');
    await page.locator('#root_name').pressSequentially('第二个');
    await page.locator('#root_code').pressSequentially('DUP-2');
    const answer = page.waitForResponse((r) => r.url().endsWith('/submit'));
    await page.getByTestId('form-submit').click();
    expect((await answer).status()).toBe(409);
    const error = page.locator('[data-field-error="code"]');
    await error.waitFor();
    expect(await text(error)).toBe('该值已被其他记录使用');
    expect(unexpectedErrors(problems, 409)).toEqual([]);
    await context.close();
  });
});

describe('editing a record', () => {
  it('shows the current customer by its title, saves a change and advances the version', async () => {
    const seeded = await api.ok<Stored>('POST', '/api/records/jr_project', {
      name: 'Edit me',
      status: 'planning',
      customer: companies['Acme Robotics'],
      milestones: [{ title: 'First', weight: 10 }],
    });
    const { context, page, problems } = await signedInPage('en');
    await page.goto(`/forms/jr_project_form/records/${seeded.id}`);
    await page.locator('#root_name').waitFor();
    expect(await page.locator('#root_name').inputValue()).toBe('Edit me');
    const customer = await text(fieldItem(page, 'customer').locator('.ant-select'));
    expect(customer).toContain('Acme Robotics');
    expect(customer).not.toContain(`#${companies['Acme Robotics']}`);

    await page.locator('#root_name').fill('Edit me, renamed');
    const answer = page.waitForResponse((r) => r.url().endsWith('/submit'));
    await page.getByTestId('form-submit').click();
    expect((await answer).status()).toBe(200);
    await page.getByTestId('form-success').waitFor();

    const stored = await api.ok<Stored>('GET', `/api/records/jr_project/${seeded.id}`);
    expect(stored.name).toBe('Edit me, renamed');
    expect(stored._version).toBe(seeded._version + 1);
    expect(stored.customer).toBe(companies['Acme Robotics']);
    expect(stored.milestones.map((m) => m.title)).toEqual(['First']);
    // The form reloaded the saved record: it shows the new name and still the customer's title.
    await until(async () => (await page.locator('#root_name').inputValue()) === 'Edit me, renamed', 'the form shows the saved name');
    expect(await text(fieldItem(page, 'customer').locator('.ant-select'))).toContain('Acme Robotics');
    expect(problems).toEqual([]);
    await context.close();
  });
});

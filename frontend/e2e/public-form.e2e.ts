// A public web-to-lead form opened by a visitor who never signed in: it is filled with
// keystrokes (rich-text notes included), submitted, thanked for; the honeypot is in the
// page but out of the visitor's sight and reach, and the lead is stored with the form's
// default source.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext, screenshot } from './support/browser';
import { ADMIN } from './support/server';

const L = (en: string, zh: string) => ({ en, 'zh-CN': zh });

const LEAD = {
  key: 'pf_lead',
  label: L('Lead', '线索'),
  title_field: 'name',
  fields: [
    { key: 'name', type: 'text', label: L('Name', '姓名'), required: true },
    { key: 'email', type: 'email', label: L('Email', '邮箱'), required: true },
    { key: 'source', type: 'text', label: L('Source', '来源') },
    { key: 'notes', type: 'rich_text', label: L('Notes', '备注') },
  ],
};
const WEB_TO_LEAD = {
  key: 'pf_web_lead',
  label: L('Contact us', '联系我们'),
  entity: 'pf_lead',
  public: true,
  fields: ['name', 'email', { key: 'source', default: 'web' }, 'notes'],
};

interface Lead {
  id: number;
  name: string;
  email: string;
  source: string | null;
  notes: string | null;
}

const baseUrl = inject('baseUrl');
const api = new SeedApi(baseUrl);
let browser: Browser;

beforeAll(async () => {
  await api.signIn(ADMIN.email, ADMIN.password);
  await api.ok('POST', '/api/meta/entities', LEAD);
  await api.ok('POST', '/api/meta/forms', WEB_TO_LEAD);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

it('takes a lead from a visitor who is not signed in', async () => {
  const context = await newContext(browser, baseUrl, 'zh-CN'); // no sign-in
  const page = await context.newPage();
  const problems = collectErrors(page);
  await page.goto('/public/forms/pf_web_lead');
  await page.getByTestId('form-submit').waitFor();
  expect(page.url()).toBe(`${baseUrl}/public/forms/pf_web_lead`); // not sent to /login
  expect(((await page.locator('.ant-card-head-title').first().textContent()) ?? '').trim()).toBe('联系我们');
  expect(await page.getByTestId('account-menu').count()).toBe(0);
  expect(await page.locator('#root_source').inputValue()).toBe('web');

  // The honeypot: in the page (bots find it), but neither seen nor reachable by a person.
  const honeypot = page.locator('#company_website');
  expect(await honeypot.count()).toBe(1);
  const box = await honeypot.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x + box!.width).toBeLessThanOrEqual(0); // entirely left of the viewport
  const wrapper = page.locator('[aria-hidden="true"]:has(> #company_website)'); // hidden from screen readers too
  expect(await wrapper.count()).toBe(1);
  const clip = await wrapper.boundingBox();
  expect(clip!.x + clip!.width).toBeLessThanOrEqual(0);
  expect(clip!.width * clip!.height).toBeLessThanOrEqual(1); // and clipped to a single pixel
  expect(await wrapper.evaluate((node) => getComputedStyle(node).overflow)).toBe('hidden');
  expect(await honeypot.getAttribute('tabindex')).toBe('-1');
  // Tabbing through the form never lands on it.
  await page.locator('#root_name').click();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('company_website');
  }

  await page.locator('#root_name').pressSequentially('李雷');
  await page.locator('#root_email').pressSequentially('li.lei@example.com');
  await page.locator('#root_notes').pressSequentially('<p>Interested in <b>pricing</b></p>');
  await page.getByLabel('预览').locator('b', { hasText: 'pricing' }).waitFor(); // the sanitized preview
  await screenshot(page, 'public-form-zh-CN');

  const answer = page.waitForResponse((r) => r.url().endsWith('/submit'));
  await page.getByTestId('form-submit').click();
  const response = await answer;
  expect(response.status()).toBe(201);
  expect(await response.json()).toEqual({ status: 'received' });
  const thanks = page.getByTestId('form-success');
  await thanks.waitFor();
  expect(((await thanks.textContent()) ?? '').trim()).toBe('谢谢！');
  const envelope = JSON.parse(response.request().postData() ?? '{}') as { _hp?: string; values?: Record<string, unknown> };
  expect(envelope._hp).toBe('');

  const leads = await api.ok<{ items: Lead[] }>(
    'GET',
    `/api/records/pf_lead?where=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'email' }, 'li.lei@example.com'] }))}`,
  );
  expect(leads.items).toHaveLength(1);
  expect(leads.items[0]).toMatchObject({ name: '李雷', email: 'li.lei@example.com', source: 'web' });
  expect(leads.items[0].notes).toContain('<b>pricing</b>');
  expect(problems).toEqual([]);
  await context.close();
});

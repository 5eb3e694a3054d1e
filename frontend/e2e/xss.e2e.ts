// Stored markup never runs: a record whose plain text holds an <img onerror> and whose rich
// text held a script (the server sanitizes rich text as it comes in) is opened in the edit
// form; the text is shown literally in its input, the rich text's preview is sanitized
// again, and nothing from the data executes or lands in the DOM as live markup.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext, signIn } from './support/browser';
import { ADMIN } from './support/server';

const TEXT_ATTACK = '<img src=x onerror="window.__pwned=1">';
const RICH_ATTACK = '<p>ok</p><img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

const NOTE = {
  key: 'xs_note',
  label: { en: 'Note' },
  title_field: 'title',
  fields: [
    { key: 'title', type: 'text', label: { en: 'Title' } },
    { key: 'body', type: 'rich_text', label: { en: 'Body' } },
  ],
};
const FORM = { key: 'xs_note_form', label: { en: 'Note' }, entity: 'xs_note', fields: ['title', 'body'] };

const baseUrl = inject('baseUrl');
let browser: Browser;
let record: { id: number; title: string; body: string };

beforeAll(async () => {
  const api = new SeedApi(baseUrl);
  await api.signIn(ADMIN.email, ADMIN.password);
  await api.ok('POST', '/api/meta/entities', NOTE);
  await api.ok('POST', '/api/meta/forms', FORM);
  record = await api.ok('POST', '/api/records/xs_note', { title: TEXT_ATTACK, body: RICH_ATTACK });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

it('the server keeps plain text as typed and strips handlers and scripts from rich text', () => {
  expect(record.title).toBe(TEXT_ATTACK);
  expect(record.body).toContain('<p>ok</p>');
  expect(record.body).not.toMatch(/onerror|<script/i);
});

it('opens the record in the edit form without running or injecting anything', async () => {
  const context = await newContext(browser, baseUrl, 'en');
  await signIn(context, ADMIN.email, ADMIN.password);
  const page = await context.newPage();
  const problems = collectErrors(page);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`/forms/xs_note_form/records/${record.id}`);
  await page.locator('#root_title').waitFor();
  await page.waitForLoadState('networkidle'); // any broken <img> has fired its error by now

  expect(await page.locator('#root_title').inputValue()).toBe(TEXT_ATTACK);
  expect(await page.locator('#root_body').inputValue()).toBe(record.body); // the source, as text
  const preview = page.getByLabel('Preview');
  expect(((await preview.textContent()) ?? '').trim()).toBe('ok');

  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await page.locator('img[onerror], [onerror], [onload]').count()).toBe(0);
  expect(await page.locator('#root script, .loom-form script').count()).toBe(0);
  expect(await page.locator('script:not([src])').evaluateAll((nodes) => nodes.map((n) => n.textContent))).not.toContainEqual(
    expect.stringContaining('__pwned'),
  );
  expect(dialogs).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

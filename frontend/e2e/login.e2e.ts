// The login page as a visitor meets it: a form page sends a signed-out visitor to /login
// and back after signing in; the language switch turns the page into Chinese; a wrong
// password is refused with a message in the page's language.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext } from './support/browser';
import { ADMIN } from './support/server';
import { openOptions, unexpectedErrors, until } from './support/ui';

const NOTE = {
  key: 'lg_note',
  label: { en: 'Note', 'zh-CN': '便签' },
  title_field: 'title',
  fields: [{ key: 'title', type: 'text', label: { en: 'Title', 'zh-CN': '标题' }, required: true }],
};
const FORM = { key: 'lg_note_form', label: { en: 'Note', 'zh-CN': '便签' }, entity: 'lg_note', fields: ['title'] };

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  const api = new SeedApi(baseUrl);
  await api.signIn(ADMIN.email, ADMIN.password);
  await api.ok('POST', '/api/meta/entities', NOTE);
  await api.ok('POST', '/api/meta/forms', FORM);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

const trimmed = async (locator: { textContent: () => Promise<string | null> }) => ((await locator.textContent()) ?? '').trim();
/** antd spaces out a two-character Chinese button label (登 录); the words are what count. */
const words = async (locator: { textContent: () => Promise<string | null> }) => (await trimmed(locator)).replace(/\s+/g, '');

it('sends a signed-out visitor to sign in, speaks Chinese on request, refuses a wrong password and returns to the form', async () => {
  const context = await newContext(browser, baseUrl, 'en');
  const page = await context.newPage();
  const problems = collectErrors(page);

  await page.goto('/forms/lg_note_form');
  await page.getByTestId('login-submit').waitFor();
  const url = new URL(page.url());
  expect(url.pathname).toBe('/login');
  expect(url.searchParams.get('next')).toBe('/forms/lg_note_form');
  expect(await trimmed(page.locator('.ant-card-head-title'))).toBe('Sign in');
  expect(await trimmed(page.locator('label[for="email"]'))).toBe('Email');
  expect(await trimmed(page.locator('label[for="password"]'))).toBe('Password');

  // Switch the page to Chinese with the language control in the header.
  await page.getByTestId('language-switch').click();
  await openOptions(page).filter({ hasText: '简体中文' }).click();
  await until(async () => (await trimmed(page.locator('.ant-card-head-title'))) === '登录', 'the page speaks Chinese');
  expect(await trimmed(page.locator('label[for="email"]'))).toBe('邮箱');
  expect(await trimmed(page.locator('label[for="password"]'))).toBe('密码');
  expect(await words(page.getByTestId('login-submit'))).toBe('登录');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

  // Empty fields are refused in the page, in Chinese.
  await page.getByTestId('login-submit').click();
  await page.getByText('请输入邮箱').waitFor();

  // A wrong password: refused by the server, explained in Chinese.
  await page.locator('#email').pressSequentially(ADMIN.email);
  await page.locator('#password').pressSequentially('not the password');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await page.getByTestId('login-submit').click();
  expect((await refused).status()).toBe(401);
  const error = page.getByTestId('login-error');
  await error.waitFor();
  expect(await trimmed(error)).toBe('邮箱或密码错误。');
  expect(new URL(page.url()).pathname).toBe('/login');

  // The right password: back to the form asked for, still in Chinese.
  await page.locator('#password').fill('');
  await page.locator('#password').pressSequentially(ADMIN.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('form-submit').waitFor();
  expect(new URL(page.url()).pathname).toBe('/forms/lg_note_form');
  expect(await trimmed(page.locator('.ant-card-head-title').first())).toBe('便签');
  expect(await trimmed(page.getByTestId('form-submit'))).toBe('提交');
  // Signed in: the account menu names the user and offers signing out.
  await page.getByTestId('account-menu').click();
  await page.getByTestId('sign-out').waitFor();

  // Signed out, "who am I" and the wrong password are 401s: Chromium logs those, nothing else.
  expect(unexpectedErrors(problems, 401)).toEqual([]);
  await context.close();
});

it('keeps the choice of language for the next visit', async () => {
  // A fresh context with no stored choice whose browser says English: the switch decides.
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'en' });
  const page = await context.newPage();
  const problems = collectErrors(page);
  await page.goto('/login');
  await page.getByTestId('login-submit').waitFor();
  expect(await trimmed(page.getByTestId('login-submit'))).toBe('Sign in');
  await page.getByTestId('language-switch').click();
  await openOptions(page).filter({ hasText: '简体中文' }).click();
  await until(async () => (await words(page.getByTestId('login-submit'))) === '登录', 'the page speaks Chinese');
  await page.reload();
  await page.getByTestId('login-submit').waitFor();
  expect(await words(page.getByTestId('login-submit'))).toBe('登录');
  expect(unexpectedErrors(problems, 401)).toEqual([]); // the signed-out 'who am I' answers 401
  await context.close();
});

it('starts a signed-in user on a page of the entities they may use, each opening its form', async () => {
  const context = await newContext(browser, baseUrl, 'zh-CN');
  await context.request.post('/api/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } });
  const page = await context.newPage();
  const problems = collectErrors(page);
  await page.goto('/');
  // A builder's own entity sits under "My apps": its card opens the list, New opens its form.
  await page.getByTestId('app-entity-lg_note').click();
  await page.waitForURL('**/e/lg_note');
  await page.getByTestId('new-record').click();
  await page.waitForURL('**/e/lg_note/new');
  await page.getByTestId('form-submit').waitFor();
  expect(unexpectedErrors(problems)).toEqual([]);
  await context.close();
});

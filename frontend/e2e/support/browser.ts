// Debian's Chromium driven by playwright-core (never a downloaded browser), headless.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CHROMIUM = process.env.LOOMWORKS_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of each run land here (gitignored; the README names the folder). */
export const SCREENSHOTS = resolve(import.meta.dirname, '..', 'screenshots');

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export type Language = 'en' | 'zh-CN';

/** A fresh context (own cookies) whose UI language is `language` before the app loads. */
export async function newContext(browser: Browser, baseUrl: string, language: Language): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: language, viewport: { width: 1280, height: 900 } });
  await context.addInitScript((lang) => {
    window.localStorage.setItem('loomworks.language', lang);
  }, language);
  return context;
}

/** Sign in through the API on the context's own cookie jar (the UI login has its own test). */
export async function signIn(context: BrowserContext, email: string, password: string): Promise<void> {
  const response = await context.request.post('/api/auth/login', { data: { email, password } });
  if (!response.ok()) throw new Error(`sign-in failed: ${response.status()}`);
}

/** Console errors and page errors seen while the page lived: a clean app has none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

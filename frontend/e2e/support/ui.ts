// What a user does with the form's antd widgets, written once for the browser tests:
// open a Select and click a choice (optionally typing to search first), type a date into a
// DatePicker, read the errors shown inline. Only clicks and keystrokes, never page.evaluate
// to set a value.
import type { Locator, Page } from 'playwright-core';

/** The options of the Select dropdown that is open now. */
export function openOptions(page: Page): Locator {
  return page.locator('.ant-select-dropdown:visible .ant-select-item-option');
}

/** Texts of the open dropdown's options, once they settle on `expected` (or after `timeout`). */
export async function optionTexts(page: Page, expected?: string[], timeout = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let texts: string[] = [];
  for (;;) {
    texts = (await openOptions(page).allTextContents()).map((t) => t.trim());
    if (!expected || JSON.stringify(texts) === JSON.stringify(expected) || Date.now() > deadline) return texts;
    await page.waitForTimeout(100);
  }
}

/** Opens the Select whose input has `id`, types `search` if given, and clicks the option `text`. */
export async function choose(page: Page, id: string, text: string, search?: string): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.click();
  if (search !== undefined) await input.pressSequentially(search, { delay: 40 });
  const option = openOptions(page).filter({ hasText: text }).first();
  await option.waitFor();
  await option.click();
  await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
}

/** Types a `YYYY-MM-DD` date into the DatePicker whose input has `id` and confirms it. */
export async function typeDate(page: Page, id: string, date: string): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.pressSequentially(date, { delay: 20 });
  await input.press('Enter');
  await page.locator('.ant-picker-dropdown:visible').waitFor({ state: 'hidden' });
}

/** The antd form item (label, widget, error) of the top-level field `key`. */
export function fieldItem(page: Page, key: string): Locator {
  return page.locator('.ant-form-item').filter({ has: page.locator(`#root_${key}`) }).last();
}

/** `{path: message}` of every error shown inline now. */
export async function inlineErrors(page: Page): Promise<Record<string, string>> {
  const nodes = page.locator('[data-field-error]');
  const result: Record<string, string> = {};
  for (const node of await nodes.all()) {
    result[(await node.getAttribute('data-field-error')) ?? ''] = ((await node.textContent()) ?? '').trim();
  }
  return result;
}

/** Waits until `check` holds (polling), then returns; fails with `what` after `timeout`. */
export async function until(check: () => Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Console errors other than Chromium's own log line for an answer the test expects (it logs
 * every 4xx response: "Failed to load resource: ... status of 401"). An app error, a page
 * error or any other status is kept.
 */
export function unexpectedErrors(problems: string[], ...statuses: number[]): string[] {
  return problems.filter(
    (p) => !statuses.some((status) => new RegExp(`^Failed to load resource: the server responded with a status of ${status}\\b`).test(p)),
  );
}

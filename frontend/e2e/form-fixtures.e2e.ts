// The shared form fixtures (tests/fixtures/forms), run through the real form in Chromium.
// For each case the form opens prefilled with the case's values and the user presses
// Submit: where the fixture expects errors, the browser must show exactly those fields
// inline and send nothing; where it expects none, the server must accept the submission.
// tests/api/test_form_fixtures.py runs the same cases against the server alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext, signIn } from './support/browser';
import { ADMIN } from './support/server';

interface FixtureCase {
  name: string;
  values: Record<string, unknown>;
  errors: string[];
}
interface FixtureSuite {
  description: string;
  entities: Array<Record<string, unknown>>;
  form: { key: string } & Record<string, unknown>;
  cases: FixtureCase[];
}

const FIXTURES = resolve(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'forms');
const suites: Array<[string, FixtureSuite]> = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, JSON.parse(readFileSync(join(FIXTURES, name), 'utf-8')) as FixtureSuite]);

const baseUrl = inject('baseUrl');
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  const api = new SeedApi(baseUrl);
  await api.signIn(ADMIN.email, ADMIN.password);
  for (const [, suite] of suites) {
    for (const entity of suite.entities) await api.ok('POST', '/api/meta/entities', entity);
    await api.ok('POST', '/api/meta/forms', suite.form);
  }
  browser = await launch();
  context = await newContext(browser, baseUrl, 'en');
  await signIn(context, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await browser?.close();
});

it('finds the shared fixtures', () => {
  expect(suites.length).toBeGreaterThanOrEqual(2);
});

describe.each(suites)('%s', (_name, suite) => {
  it.each(suite.cases.map((c) => [c.name, c] as const))('%s', async (_caseName, fixtureCase) => {
    const page = await context.newPage();
    const problems = collectErrors(page);
    const submits: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/submit')) submits.push(request.url());
    });
    const query = encodeURIComponent(JSON.stringify(fixtureCase.values));
    await page.goto(`/forms/${suite.form.key}?values=${query}`);
    const answer = fixtureCase.errors.length ? null : page.waitForResponse((r) => r.url().endsWith('/submit'));
    await page.getByTestId('form-submit').click();
    if (fixtureCase.errors.length > 0) {
      await page.locator('[data-field-error]').first().waitFor();
      const shown = await page.locator('[data-field-error]').evaluateAll((nodes) =>
        nodes.map((node) => node.getAttribute('data-field-error') ?? ''),
      );
      expect([...shown].sort()).toEqual([...fixtureCase.errors].sort());
      expect(submits).toEqual([]); // the browser blocked it: nothing reached the server
    } else {
      await page.getByTestId('form-success').waitFor();
      expect((await answer)?.status()).toBe(201);
      expect(await page.locator('[data-field-error]').count()).toBe(0);
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});

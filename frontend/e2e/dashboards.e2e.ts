// The dashboards as managers use them on the demo: every widget drawn with the API's figures,
// a date range narrowing the figures as the API computes them, a group's drill-down landing on
// the list of exactly those records; in English and Chinese, with no console errors.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { collectErrors, launch, newContext, screenshot, signIn, type Language } from './support/browser';
import { until } from './support/ui';

const url = inject('demoUrl');
const logins = inject('demoLogins') as Record<string, string>;
let browser: Browser;

interface Widget {
  key: string;
  chart: string;
  value?: number | null;
  groups?: { value: number | null }[];
  error?: unknown;
}

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function answer(email: string, key: string, filters?: unknown): Promise<Widget[]> {
  const api = new SeedApi(url);
  await api.signIn(email, logins[email]);
  const query = filters ? `?filters=${encodeURIComponent(JSON.stringify(filters))}` : '';
  return (await api.ok<{ widgets: Widget[] }>('GET', `/api/dashboards/${key}${query}`)).widgets;
}

const digits = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

async function expectWidgets(page: Page, widgets: Widget[]): Promise<void> {
  for (const widget of widgets) {
    const card = page.getByTestId(`widget-${widget.key}`);
    await card.waitFor();
    if (widget.error) continue;
    if (widget.chart === 'number') {
      expect(digits(await page.getByTestId(`widget-${widget.key}-figure`).textContent())).toBeCloseTo(
        typeof widget.value === 'number' ? (widget.value <= 1 && widget.key.includes('rate') ? widget.value * 100 : widget.value) : 0,
        0,
      );
    } else if (widget.groups?.length) {
      await card.locator('canvas').first().waitFor();
      expect(await card.locator('[data-testid$="-value"]').count()).toBe(widget.groups.length);
    }
  }
}

for (const language of ['en', 'zh-CN'] as Language[]) {
  it(`the sales dashboard draws, filters by date and drills down (${language})`, async () => {
    const email = 'sales.manager@example.com';
    const context = await newContext(browser, url, language);
    await signIn(context, email, logins[email]);
    const page = await context.newPage();
    const problems = collectErrors(page);
    await page.goto('/');
    await page.getByTestId('nav-dashboard-sales').first().click();
    await page.getByTestId('dashboard-page').waitFor();
    await expectWidgets(page, await answer(email, 'sales'));
    await screenshot(page, `dashboards-sales-${language}`);

    // A date range: every entity's date field (the deals' close date) is narrowed to it, and the
    // figures become the API's for exactly the filters the page sent.
    const filteredRequest = page.waitForRequest((request) => request.url().includes('/api/dashboards/sales?filters='));
    const inputs = page.getByTestId('dashboard-date-range').locator('input');
    await inputs.nth(0).click();
    await inputs.nth(0).pressSequentially('2026-01-01', { delay: 10 });
    await inputs.nth(0).press('Enter');
    await inputs.nth(1).pressSequentially('2026-06-30', { delay: 10 });
    await inputs.nth(1).press('Enter');
    const sent = JSON.parse(new URL((await filteredRequest).url()).searchParams.get('filters')!) as Record<string, unknown>;
    expect(sent.deal).toEqual({
      and: [{ '>=': [{ var: 'closed_date' }, '2026-01-01'] }, { '<': [{ var: 'closed_date' }, '2026-07-01'] }],
    });
    const filtered = await answer(email, 'sales', sent);
    const won = filtered.find((w) => w.key === 'won_by_quarter')!;
    await until(
      async () => (await page.getByTestId('widget-won_by_quarter').locator('[data-testid$="-value"]').count()) === (won.groups ?? []).length,
      'the quarters are narrowed to the range',
    );
    await expectWidgets(page, filtered);
    await screenshot(page, `dashboards-sales-filtered-${language}`);

    // Clear brings back the unfiltered figures; a lead source's drill-down lands on the list of
    // exactly that source's leads.
    await page.getByTestId('dashboard-clear').click();
    const unfiltered = await answer(email, 'sales');
    await expectWidgets(page, unfiltered);
    const leads = unfiltered.find((w) => w.key === 'leads_by_source')!;
    expect(leads.groups?.length).toBeGreaterThan(0);
    await page.getByTestId('widget-leads_by_source-group-0').click();
    await page.getByTestId('list-total').waitFor();
    await until(async () => digits(await page.getByTestId('list-total').textContent()) === leads.groups![0].value, 'the list counts the group');
    await screenshot(page, `dashboards-drilldown-${language}`);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it(`the delivery dashboard draws for a project manager (${language})`, async () => {
    const email = 'pm@example.com';
    const context = await newContext(browser, url, language);
    await signIn(context, email, logins[email]);
    const page = await context.newPage();
    const problems = collectErrors(page);
    await page.goto('/dashboards/delivery');
    await page.getByTestId('dashboard-page').waitFor();
    await expectWidgets(page, await answer(email, 'delivery'));
    await screenshot(page, `dashboards-delivery-${language}`);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
}

// The boards as a sales rep and a project manager use them on the demo instance: the deal
// board moves a deal by dragging (a workflow transition), refuses a move the pipeline does not
// allow with an explanation, asks a proposal's amount and close date in a small form; the
// close calendar shows the deal on its date; the task Gantt shows bars, dependency arrows and
// milestone markers. Each screen in English and Chinese, without console errors.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SeedApi } from './support/api';
import { dragCard, dragTo } from './support/board';
import { collectErrors, launch, newContext, screenshot, signIn, type Language } from './support/browser';
import { typeDate, unexpectedErrors, until } from './support/ui';

const demoUrl = inject('demoUrl');
const logins = inject('demoLogins');
let browser: Browser;
const rep = new SeedApi(demoUrl);
const pm = new SeedApi(demoUrl);
const deals: Record<Language, number> = { en: 0, 'zh-CN': 0 };
let projectId = 0;
let boardProjectId = 0;
const boardTasks: Record<Language, number> = { en: 0, 'zh-CN': 0 };

interface Row {
  id: number;
  _version: number;
  [key: string]: unknown;
}

beforeAll(async () => {
  await rep.signIn('rep@example.com', logins['rep@example.com']);
  await pm.signIn('pm@example.com', logins['pm@example.com']);
  for (const language of ['en', 'zh-CN'] as const) {
    const deal = await rep.ok<Row>('POST', '/api/records/deal', { name: `Boards drag ${language} 看板`, amount: 987654321 });
    deals[language] = deal.id;
  }
  const project = await pm.ok<Row>('POST', '/api/records/project', { name: '000 Boards Gantt 甘特' });
  projectId = project.id;
  const design = await pm.ok<Row>('POST', '/api/records/task', {
    project: projectId, name: 'Design 设计', start_date: '2026-12-01', due_date: '2026-12-08', percent_done: 60,
  });
  const build = await pm.ok<Row>('POST', '/api/records/task', {
    project: projectId, name: 'Build 开发', start_date: '2026-12-09', due_date: '2026-12-20', percent_done: 10,
  });
  await pm.ok('POST', '/api/records/task_dependency', { predecessor: design.id, successor: build.id });
  await pm.ok('POST', '/api/records/milestone', { project: projectId, name: 'Go live 上线', due_date: '2026-12-21' });
  const boardProject = await pm.ok<Row>('POST', '/api/records/project', { name: 'Boards task board 任务看板' });
  for (const language of ['en', 'zh-CN'] as const) {
    const task = await pm.ok<Row>('POST', '/api/records/task', { project: boardProject.id, name: `Board task ${language} 任务`, status: 'todo' });
    boardTasks[language] = task.id;
  }
  boardProjectId = boardProject.id;
  browser = await launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const drag = dragTo;

const stageOf = async (id: number) => (await rep.ok<Row>('GET', `/api/records/deal/${id}`)).stage;

for (const language of ['en', 'zh-CN'] as const) {
  it(`moves a deal on the board, explains a refused move and asks a proposal's fields (${language})`, async () => {
    const id = deals[language];
    const context = await newContext(browser, demoUrl, language);
    await signIn(context, 'rep@example.com', logins['rep@example.com']);
    const page = await context.newPage();
    const problems = collectErrors(page);

    await page.goto('/e/deal');
    await page.getByTestId('view-switcher').waitFor();
    await page.getByTestId('view-switcher').getByText(language === 'en' ? 'Deals by stage' : '商机看板').click();
    const card = page.getByTestId(`kanban-card-${id}`);
    await card.waitFor();
    const column = (stage: string) => page.getByTestId(`kanban-column-${stage}`);
    expect(await column('qualification').getByTestId(`kanban-card-${id}`).count()).toBe(1);
    await screenshot(page, `boards-kanban-${language}`);

    await drag(page, card, column('negotiation'));
    const notice = page.getByTestId('board-notice');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(language === 'en' ? 'not allowed from here' : '不能从这里移到该列');
    expect(text).toContain(language === 'en' ? 'Analyse needs → Needs analysis' : '需求分析 → 需求分析');
    expect(await column('qualification').getByTestId(`kanban-card-${id}`).count()).toBe(1);
    expect(await stageOf(id)).toBe('qualification');
    await screenshot(page, `boards-refused-${language}`);

    await drag(page, card, column('needs_analysis'));
    await column('needs_analysis').getByTestId(`kanban-card-${id}`).waitFor();
    await until(async () => (await stageOf(id)) === 'needs_analysis', 'the API agrees the deal moved');

    await drag(page, column('needs_analysis').getByTestId(`kanban-card-${id}`), column('proposal'));
    await page.getByTestId('transition-form').waitFor();
    const amount = page.locator('#transition_amount');
    await amount.fill('');
    await amount.pressSequentially('120000');
    await typeDate(page, 'transition_expected_close', '2026-12-15');
    await screenshot(page, `boards-transition-form-${language}`);
    await page.getByTestId('transition-confirm').click();
    await column('proposal').getByTestId(`kanban-card-${id}`).waitFor();
    await until(async () => (await stageOf(id)) === 'proposal', 'the API agrees the deal reached proposal');
    const saved = await rep.ok<Row>('GET', `/api/records/deal/${id}`);
    expect(saved.amount).toBe(120000);
    expect(saved.expected_close).toBe('2026-12-15');

    await page.goto('/e/deal/v/deal_close_calendar');
    const event = page.getByTestId(`calendar-event-${id}`).first();
    await event.waitFor();
    expect((await event.textContent()) ?? '').toContain(`Boards drag ${language}`);
    const cell = page.locator('[data-date="2026-12-15"]').first();
    expect(await cell.getByTestId(`calendar-event-${id}`).count()).toBeGreaterThan(0);
    await screenshot(page, `boards-calendar-${language}`);
    expect(unexpectedErrors(problems)).toEqual([]);
    await context.close();
  }, 60_000);

  it(`shows a project's tasks, dependency arrows and milestones in the Gantt (${language})`, async () => {
    const context = await newContext(browser, demoUrl, language);
    await signIn(context, 'pm@example.com', logins['pm@example.com']);
    const page = await context.newPage();
    const problems = collectErrors(page);
    await page.goto('/e/task/v/task_gantt');
    await page.getByTestId('gantt-chart').waitFor();
    expect(((await page.getByTestId('gantt-project').textContent()) ?? '')).toContain('000 Boards Gantt');
    await until(async () => (await page.locator('.gantt .bar-wrapper').count()) === 3, 'two bars and a milestone');
    expect(await page.locator('.gantt .arrow path, .gantt path.arrow').count()).toBeGreaterThan(0);
    expect(await page.locator('.gantt .bar-wrapper.loom-gantt-milestone').count()).toBe(1);
    const labels = (await page.getByTestId('gantt-chart').locator('.upper-header, .lower-header').allTextContents()).join(' ');
    if (language === 'zh-CN') expect(labels).toMatch(/月/);
    else expect(labels).toMatch(/December|Dec/);
    await screenshot(page, `boards-gantt-${language}`);
    expect(unexpectedErrors(problems)).toEqual([]);
    await context.close();
  }, 60_000);

  it(`a project manager drags a task of their project to Done, saved without a workflow (${language})`, async () => {
    const id = boardTasks[language];
    const context = await newContext(browser, demoUrl, language);
    await signIn(context, 'pm@example.com', logins['pm@example.com']);
    const page = await context.newPage();
    const problems = collectErrors(page);
    await page.goto(`/e/task/v/task_board?where=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'project' }, boardProjectId] }))}`);
    await page.getByTestId('kanban-column-todo').getByTestId(`kanban-card-${id}`).waitFor();
    await dragCard(page, `kanban-card-${id}`, 'kanban-column-done');
    await page.getByTestId('kanban-column-done').getByTestId(`kanban-card-${id}`).waitFor();
    await until(async () => (await pm.ok<Row>('GET', `/api/records/task/${id}`)).status === 'done', 'the API shows the task done');
    expect(await page.getByTestId('kanban-column-todo').getByTestId(`kanban-card-${id}`).count()).toBe(0);
    await screenshot(page, `boards-task-board-${language}`);
    expect(unexpectedErrors(problems)).toEqual([]);
    await context.close();
  }, 60_000);
}

// The boards' decisions: which transition a drop takes, how a refusal reads, and how records
// become calendar events and Gantt rows.

import { describe, expect, it } from 'vitest';
import type { ViewDefinition } from '../../api/apps';
import type { EntityDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';
import type { Transition, TransitionsAnswer } from '../../api/workflows';
import { allOf, decideDrop, ganttRows, isApprovalResult, needsForm, recordToEvent, refusalText } from './boardLogic';

function transition(key: string, to: string, extra: Partial<Transition> = {}): Transition {
  return {
    key,
    workflow: 'deal_pipeline',
    label: { en: key, 'zh-CN': `中${key}` },
    to: { key: to, label: { en: to.toUpperCase(), 'zh-CN': `中${to}` } },
    fields: [],
    comment: 'optional',
    approval: false,
    guard_met: true,
    ...extra,
  };
}

function answer(items: Transition[], field = 'stage'): TransitionsAnswer {
  return { items, workflows: [{ workflow: 'deal_pipeline', field, state: null, items }] };
}

const words = {
  guard: (r: string) => `guard:${r}`,
  allowed: (l: string) => `allowed:${l}`,
  none: 'none',
};

describe('decideDrop', () => {
  const items = [transition('analyse_needs', 'needs_analysis'), transition('send_proposal', 'proposal', { fields: [{ key: 'amount', required: true }] })];

  it('takes the transition whose target is the column', () => {
    const decision = decideDrop(answer(items), 'stage', 'proposal');
    expect(decision).toMatchObject({ kind: 'transition', transition: { key: 'send_proposal' } });
  });

  it('refuses a column no transition reaches and lists the allowed moves', () => {
    const decision = decideDrop(answer(items), 'stage', 'won');
    expect(decision.kind).toBe('refused');
    if (decision.kind !== 'refused') return;
    expect(refusalText(decision, 'en', words)).toBe('allowed:analyse_needs → NEEDS_ANALYSIS, send_proposal → PROPOSAL');
    expect(refusalText(decision, 'zh-CN', words)).toContain('中send_proposal → 中proposal');
  });

  it('explains an unmet guard with its reason', () => {
    const guarded = [transition('win', 'won', { guard_met: false, reason: { en: 'Amount must be set', 'zh-CN': '需填写金额' } })];
    const decision = decideDrop(answer(guarded), 'stage', 'won');
    expect(decision.kind).toBe('refused');
    if (decision.kind === 'refused') expect(refusalText(decision, 'zh-CN', words)).toBe('guard:需填写金额');
  });

  it('says so when nothing is allowed', () => {
    const decision = decideDrop(answer([]), 'stage', 'won');
    if (decision.kind === 'refused') expect(refusalText(decision, 'en', words)).toBe('none');
    else throw new Error('expected a refusal');
  });

  it('patches when no workflow drives the group field', () => {
    expect(decideDrop(answer(items, 'status'), 'stage', 'proposal')).toEqual({ kind: 'patch' });
  });

  it('knows which transitions need their form and which answers are approvals', () => {
    expect(needsForm(items[0])).toBe(false);
    expect(needsForm(items[1])).toBe(true);
    expect(needsForm(transition('x', 'y', { comment: 'required' }))).toBe(true);
    expect(isApprovalResult({ approval: { id: 1 } })).toBe(true);
    expect(isApprovalResult({ id: 1, _version: 2, stage: 'won' })).toBe(false);
  });
});

describe('allOf', () => {
  it('ANDs only the conditions present', () => {
    expect(allOf(undefined, null)).toBeUndefined();
    expect(allOf({ a: 1 }, undefined)).toEqual({ a: 1 });
    expect(allOf({ a: 1 }, { b: 2 })).toEqual({ and: [{ a: 1 }, { b: 2 }] });
  });
});

const DEAL: EntityDefinition = {
  key: 'deal',
  label: 'Deal',
  title_field: 'name',
  fields: [
    { key: 'name', type: 'text', label: 'Name' },
    { key: 'stage', type: 'select', label: 'Stage', options: { choices: [{ value: 'won', label: 'Won', color: '#52c41a' }] } },
    { key: 'expected_close', type: 'date', label: 'Close' },
    { key: 'end', type: 'date', label: 'End' },
  ],
};

describe('recordToEvent', () => {
  const view: ViewDefinition = { key: 'cal', label: 'Cal', entity: 'deal', type: 'calendar', date_field: 'expected_close', columns: ['name', 'stage'] };
  const record: RecordData = { id: 7, _version: 3, name: 'Harbor', stage: 'won', expected_close: '2026-12-10', end: '2026-12-12' };

  it('maps the title, the date, the colour and the version', () => {
    expect(recordToEvent(record, DEAL, view, 'en')).toEqual({
      id: '7',
      title: 'Harbor',
      start: '2026-12-10',
      allDay: true,
      color: '#52c41a',
      extendedProps: { recordId: '7', version: 3 },
    });
  });

  it('makes an inclusive end day exclusive and skips undated records', () => {
    expect(recordToEvent(record, DEAL, { ...view, end_field: 'end' }, 'en')?.end).toBe('2026-12-13');
    expect(recordToEvent({ ...record, expected_close: null }, DEAL, view, 'en')).toBeNull();
  });
});

describe('ganttRows', () => {
  const view: ViewDefinition = {
    key: 'g',
    label: 'G',
    entity: 'task',
    type: 'gantt',
    date_field: 'start_date',
    end_field: 'due_date',
    progress_field: 'percent_done',
    dependencies: { entity: 'task_dependency', from: 'predecessor', to: 'successor' },
  };
  const tasks: RecordData[] = [
    { id: 1, _version: 1, name: 'Design', start_date: '2026-12-01', due_date: '2026-12-05', percent_done: 140 },
    { id: 2, _version: 4, name: 'Build', start_date: '2026-12-06', due_date: '2026-12-20', percent_done: 30 },
    { id: 3, _version: 1, name: 'Undated', start_date: null, due_date: null },
  ];
  const deps: RecordData[] = [
    { id: 10, _version: 1, predecessor: 1, successor: 2 },
    { id: 11, _version: 1, predecessor: 99, successor: 2 },
  ];
  const milestones: RecordData[] = [{ id: 5, _version: 2, name: 'Go live', due_date: '2026-12-21' }];

  it('builds bars with clamped progress and only the arrows between shown tasks', () => {
    const rows = ganttRows({ tasks, dependencies: deps, milestones: [] }, view);
    expect(rows.map((r) => r.id)).toEqual(['task-1', 'task-2']);
    expect(rows[0].progress).toBe(100);
    expect(rows[1].dependencies).toBe('task-1');
    expect(rows[1].version).toBe(4);
  });

  it('adds milestones as zero-length markers of their own class', () => {
    const rows = ganttRows({ tasks, dependencies: deps, milestones }, view);
    const marker = rows.find((r) => r.kind === 'milestone');
    expect(marker).toMatchObject({ id: 'milestone-5', start: '2026-12-21', end: '2026-12-21', custom_class: 'loom-gantt-milestone' });
    expect(marker?.name).toContain('Go live');
  });
});

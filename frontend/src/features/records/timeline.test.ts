import { describe, expect, it } from 'vitest';
import type { EntityDefinition } from '../../api/meta';
import type { WorkflowLogEntry } from '../../api/workflows';
import { buildTimeline, formatChangeValue } from './timeline';

const DEAL: EntityDefinition = {
  key: 'deal',
  label: { en: 'Deal', 'zh-CN': '商机' },
  title_field: 'name',
  fields: [
    { key: 'name', type: 'text', label: { en: 'Name', 'zh-CN': '名称' } },
    { key: 'amount', type: 'currency', label: { en: 'Amount', 'zh-CN': '金额' }, options: { currency: 'CNY' } },
    { key: 'company', type: 'relation', label: { en: 'Company', 'zh-CN': '公司' }, options: { target: 'company' } },
    { key: 'stage', type: 'select', label: { en: 'Stage', 'zh-CN': '阶段' }, options: { choices: [{ value: 'proposal', label: { en: 'Proposal', 'zh-CN': '方案报价' } }] } },
  ],
};

const move: WorkflowLogEntry & Record<string, unknown> = {
  id: 7,
  at: '2026-12-03T10:00:00+00:00',
  workflow: 'deal_pipeline',
  event: 'transitioned',
  transition: 'send_proposal',
  actor: { id: 4, name: null, email: null },
  user: { id: 4, name: 'Zhang Wei', email: 'rep@example.com' },
  from: 'qualification',
  to: 'proposal',
  comment: 'sent today',
};

describe('buildTimeline', () => {
  const items = buildTimeline({
    definition: DEAL,
    record: { id: 1, _version: 2, company: 10, _refs: { company: { id: 10, title: 'Lotus Media' } } },
    history: [
      { version: 1, action: 'create', at: '2026-12-01T09:00:00+00:00', user: null, changes: { name: { before: null, after: 'Big deal' }, company: { before: null, after: 10 } } },
      { version: 2, action: 'update', at: '2026-12-03T10:00:00+00:00', user: { id: 4, name: 'Zhang Wei' }, changes: { stage: { before: 'qualification', after: 'proposal' }, amount: { before: null, after: 125000 } } },
    ],
    workflow: [move],
    language: 'zh-CN',
    transitionLabels: new Map([['send_proposal', '发送方案']]),
    stateLabels: new Map([['qualification', '资格确认'], ['proposal', '方案报价']]),
  });

  it('puts the newest first and a move before the change it made', () => {
    expect(items.map((i) => i.key)).toEqual(['w-7', 'h-2-1', 'h-1-0']);
  });

  it('names the transition, states, person and comment in the language', () => {
    expect(items[0]).toMatchObject({ who: 'Zhang Wei', transition: '发送方案', from: '资格确认', to: '方案报价', comment: 'sent today' });
  });

  it('labels and formats the changed fields; a relation shows its title', () => {
    expect(items[1].changes).toEqual([
      { field: 'stage', label: '阶段', before: 'qualification', after: '方案报价' },
      { field: 'amount', label: '金额', before: '—', after: '¥125,000.00' },
    ]);
    expect(items[2].changes[1]).toEqual({ field: 'company', label: '公司', before: '—', after: 'Lotus Media' });
    expect(items[2].who).toBeNull();
  });
});

describe('formatChangeValue', () => {
  it('shows an unknown relation id as #id and an unknown field as text', () => {
    expect(formatChangeValue(DEAL, 'company', 99, 'en')).toBe('#99');
    expect(formatChangeValue(DEAL, 'gone', { a: 1 }, 'en')).toBe('{"a":1}');
  });
});

import { describe, expect, it } from 'vitest';
import { dealForm } from '../../../test/fixtures';
import { applyDefaults, fieldStates, formErrors, isEmpty, stripNulls, visibleValues } from '../rules';
import type { LogicRule, RenderedForm } from '../types';

const NOW = '2026-03-01T10:00:00.000Z';
const valid = { name: 'Big deal', stage: 'new', lines: [{ product: 'A', qty: 2 }] };

describe('fieldStates', () => {
  it('starts from the schema: visible, required as listed, writable', () => {
    const states = fieldStates(dealForm(), {}, NOW);
    expect(states.name).toEqual({ visible: true, required: true, readonly: false });
    expect(states.stage).toEqual({ visible: true, required: false, readonly: false });
  });

  it('applies rule visibility and requiredness from the data', () => {
    expect(fieldStates(dealForm(), { stage: 'new' }, NOW).lost_reason).toEqual({ visible: false, required: true, readonly: false });
    expect(fieldStates(dealForm(), { stage: 'lost' }, NOW).lost_reason.visible).toBe(true);
  });

  it('evaluates readonly and $user / $now rules', () => {
    const form: RenderedForm = {
      ...dealForm(),
      rules: [
        { field: 'amount', readonly: { in: ['admin', { var: '$user.roles' }] } },
        { field: 'notes', readonly: { '<': [{ var: '$now' }, '2026-01-01'] } },
        { field: 'name', required: false },
      ],
    };
    const states = fieldStates(form, {}, NOW);
    expect(states.amount.readonly).toBe(false);
    expect(states.notes.readonly).toBe(false);
    expect(states.name.required).toBe(false);
    const admin = { ...form, context: { $user: { id: 1, roles: ['admin'] } } };
    expect(fieldStates(admin, {}, NOW).amount.readonly).toBe(true);
  });

  it('treats a rule that cannot be evaluated as not holding, and an empty array as false', () => {
    const form: RenderedForm = {
      ...dealForm(),
      rules: [
        { field: 'notes', visible: { '>': [{ var: 'start_date' }, { var: 'missing' }] } },
        { field: 'amount', visible: { var: 'tags' } },
        { field: 'source', visible: { bogus_operator: [1] } as LogicRule },
      ],
    };
    const states = fieldStates(form, { start_date: '2026-01-01', tags: [] }, NOW);
    expect(states.notes.visible).toBe(false);
    expect(states.amount.visible).toBe(false);
    expect(states.source.visible).toBe(false);
  });

  it('ignores rules on fields that are not on the form', () => {
    const form = { ...dealForm(), rules: [{ field: 'ghost', visible: false }] };
    expect(Object.keys(fieldStates(form, {}, NOW))).not.toContain('ghost');
  });
});

describe('applyDefaults', () => {
  it('fills static and JsonLogic defaults ($user) for absent fields only', () => {
    expect(applyDefaults(dealForm(), {}, NOW)).toEqual({ source: 'web', owner: 7 });
    expect(applyDefaults(dealForm(), { source: 'phone', owner: 3 }, NOW)).toEqual({ source: 'phone', owner: 3 });
  });

  it('can use $now and skips defaults that evaluate to nothing or fail', () => {
    const form: RenderedForm = {
      ...dealForm(),
      defaults: { logic: { notes: { cat: ['at ', { var: '$now' }] }, amount: { var: 'nothing' }, name: { '>': [{ var: 'x' }, 'a'] } } },
    };
    expect(applyDefaults(form, {}, NOW)).toEqual({ notes: `at ${NOW}` });
  });

  it('does not default fields that are not on the form', () => {
    const form = { ...dealForm(), defaults: { static: { ghost: 1 } } };
    expect(applyDefaults(form, {}, NOW)).toEqual({});
  });
});

describe('formErrors', () => {
  it('has none for valid data', () => {
    expect(formErrors(dealForm(), valid, NOW)).toEqual({});
  });

  it('reports required fields (empty is null, "", [] or absent)', () => {
    for (const empty of [undefined, null, '', []]) {
      expect(formErrors(dealForm(), { ...valid, name: empty }, NOW)).toEqual({ name: 'is required' });
    }
    expect(isEmpty(0)).toBe(false);
    expect(isEmpty(false)).toBe(false);
  });

  it('requires a conditional field only while it is visible', () => {
    expect(formErrors(dealForm(), { ...valid, stage: 'won' }, NOW)).toEqual({});
    expect(formErrors(dealForm(), { ...valid, stage: 'lost' }, NOW)).toEqual({ lost_reason: 'is required' });
  });

  it('reports failed validations with their message, a rule on nothing failing closed', () => {
    expect(formErrors(dealForm(), { ...valid, start_date: '2026-02-01', end_date: '2026-01-01' }, NOW)).toEqual({
      end_date: 'must be after the start',
    });
    expect(formErrors(dealForm(), { ...valid, end_date: '2026-01-01' }, NOW)).toEqual({ end_date: 'must be after the start' });
    expect(formErrors(dealForm(), { ...valid, start_date: '2026-01-01', end_date: '2026-02-01' }, NOW)).toEqual({});
  });

  it('puts a validation without a field under the empty path', () => {
    const form = { ...dealForm(), validations: [{ rule: false, message: { en: 'nope' } }] };
    expect(formErrors(form, valid, NOW)).toEqual({ '': 'nope' });
  });

  it('reports JSON Schema errors: lengths, enums, minimums, formats', () => {
    const errors = formErrors(dealForm(), { ...valid, name: 'x'.repeat(21), stage: 'maybe', amount: -1, start_date: '2026-13-45' }, NOW);
    expect(Object.keys(errors).sort()).toEqual(['amount', 'name', 'stage', 'start_date']);
  });

  it('keeps one error per field, required first', () => {
    const form = {
      ...dealForm(),
      validations: [
        { field: 'name', rule: { '!!': [{ var: 'name' }] }, message: 'first check' },
        { field: 'name', rule: false, message: 'second check' },
      ],
    };
    expect(formErrors(form, { ...valid, name: '' }, NOW)).toEqual({ name: 'is required' });
    expect(formErrors(form, { ...valid, name: 'x'.repeat(30) }, NOW)).toEqual({ name: 'second check' });
  });

  it('reports sub-table cells by dotted path', () => {
    const errors = formErrors(dealForm(), { ...valid, lines: [{ product: 'A', qty: 1 }, { product: '', qty: 0 }, { qty: 2 }] }, NOW);
    expect(errors).toEqual({ 'lines.1.product': 'is required', 'lines.1.qty': expect.any(String), 'lines.2.product': 'is required' });
  });

  it('does not check invisible fields, and uses the messages it is given', () => {
    const data = { ...valid, stage: 'won', lost_reason: 'x'.repeat(300) };
    expect(formErrors(dealForm(), data, NOW)).toEqual({});
    const zh = formErrors(dealForm(), { stage: 'lost' }, NOW, { required: '必填', invalid: '无效' });
    expect(zh).toEqual({ name: '必填', lost_reason: '必填' });
  });

  it('accepts the nullable anyOf schemas older servers send once normalized', async () => {
    const { normalizeRendered } = await import('../schema');
    const form = dealForm();
    form.schema.properties!.amount = { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }], title: 'Amount' };
    const errors = formErrors(normalizeRendered(form), { ...valid, amount: -5 }, NOW);
    expect(Object.keys(errors)).toEqual(['amount']);
  });
});

describe('visibleValues and stripNulls', () => {
  it('drops invisible fields and keys that are not fields', () => {
    const data = { ...valid, stage: 'won', lost_reason: 'price', id: 3, _version: 2 };
    expect(visibleValues(dealForm(), data, NOW)).toEqual({ name: 'Big deal', stage: 'won', lines: valid.lines });
    expect(visibleValues(dealForm(), { ...data, stage: 'lost' }, NOW).lost_reason).toBe('price');
  });

  it('strips nulls recursively but keeps other falsy values', () => {
    expect(stripNulls({ a: null, b: 0, c: '', d: [{ x: null, y: false }], e: { f: null } })).toEqual({
      b: 0,
      c: '',
      d: [{ y: false }],
      e: {},
    });
  });
});

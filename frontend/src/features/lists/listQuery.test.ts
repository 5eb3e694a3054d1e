// The list's query logic: sort parameters, the effective where, the filter tree as the JsonLogic
// the server compiles, and the keyset cursor stack behind Previous/Next.

import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../api/meta';
import { changedColumn, clickSort, combineWhere, firstPage, nextPage, pageNumber, previousPage, queryToJsonLogic, sortOrderOf, sortParam, viewSort } from './listQuery';
import { sanitizeState } from './listState';

const fields: FieldDefinition[] = [
  { key: 'name', type: 'text', label: { en: 'Name' } },
  { key: 'amount', type: 'currency', label: { en: 'Amount' } },
  { key: 'stage', type: 'select', label: { en: 'Stage' }, options: { choices: [{ value: 'won', label: { en: 'Won' } }] } },
  { key: 'close_date', type: 'date', label: { en: 'Close' } },
  { key: 'company', type: 'relation', label: { en: 'Company' }, options: { target: 'company' } },
  { key: 'active', type: 'boolean', label: { en: 'Active' } },
];

describe('sort', () => {
  it('builds -field for descending and keeps the chosen order', () => {
    expect(sortParam([{ field: 'amount', order: 'descend' }, { field: 'name', order: 'ascend' }, { field: 'stage', order: null }])).toEqual(['-amount', 'name']);
  });
  it('reads the view sort and the order of a column', () => {
    expect(viewSort({ key: 'v', label: {}, entity: 'deal', type: 'list', sort: [{ field: 'amount', direction: 'desc' }, { field: 'name' }] })).toEqual(['-amount', 'name']);
    expect(sortOrderOf(['-amount', 'name'], 'amount')).toBe('descend');
    expect(sortOrderOf(['-amount', 'name'], 'name')).toBe('ascend');
    expect(sortOrderOf(['-amount'], 'stage')).toBeNull();
  });
});

describe('combineWhere', () => {
  it('ANDs only the present conditions', () => {
    expect(combineWhere(undefined, null, {})).toBeUndefined();
    expect(combineWhere({ '==': [{ var: 'a' }, 1] }, undefined)).toEqual({ '==': [{ var: 'a' }, 1] });
    expect(combineWhere({ a: 1 }, { b: 2 }, { c: 3 })).toEqual({ and: [{ a: 1 }, { b: 2 }, { c: 3 }] });
  });
});

describe('queryToJsonLogic', () => {
  it('maps each operator to what the server compiles', () => {
    const tree = {
      combinator: 'and',
      rules: [
        { field: 'name', operator: 'contains', value: 'Harbor' },
        { field: 'amount', operator: '>', value: '1000' },
        { field: 'amount', operator: 'between', value: '10,20' },
        { field: 'stage', operator: 'in', value: ['won'] },
        { field: 'stage', operator: '=', value: 'won' },
        { field: 'company', operator: '=', value: '7' },
        { field: 'active', operator: '=', value: 'false' },
        { field: 'close_date', operator: 'null', value: '' },
        { field: 'name', operator: 'doesNotContain', value: 'x' },
      ],
    };
    expect(queryToJsonLogic(tree, fields)).toEqual({
      and: [
        { in: ['Harbor', { var: 'name' }] },
        { '>': [{ var: 'amount' }, 1000] },
        { and: [{ '>=': [{ var: 'amount' }, 10] }, { '<=': [{ var: 'amount' }, 20] }] },
        { in: [{ var: 'stage' }, ['won']] },
        { '==': [{ var: 'stage' }, 'won'] },
        { '==': [{ var: 'company' }, 7] },
        { '==': [{ var: 'active' }, false] },
        { '==': [{ var: 'close_date' }, null] },
        { '!': { in: ['x', { var: 'name' }] } },
      ],
    });
  });
  it('drops incomplete rules, unwraps a single rule, honours or/not and nesting', () => {
    expect(queryToJsonLogic({ combinator: 'and', rules: [{ field: 'amount', operator: '>', value: '' }] }, fields)).toBeUndefined();
    expect(queryToJsonLogic({ combinator: 'and', rules: [{ field: 'amount', operator: '<', value: '5' }] }, fields)).toEqual({ '<': [{ var: 'amount' }, 5] });
    expect(
      queryToJsonLogic(
        { combinator: 'or', not: true, rules: [{ field: 'amount', operator: '<', value: '5' }, { combinator: 'and', rules: [{ field: 'name', operator: '=', value: 'A' }] }] },
        fields,
      ),
    ).toEqual({ '!': { or: [{ '<': [{ var: 'amount' }, 5] }, { '==': [{ var: 'name' }, 'A'] }] } });
  });
});

describe('cursor stack', () => {
  it('walks forward and back through pages', () => {
    let stack = nextPage(firstPage, 'c2');
    stack = nextPage(stack, 'c3');
    expect(pageNumber(stack)).toBe(3);
    expect(stack.current).toBe('c3');
    stack = previousPage(stack);
    expect(stack).toEqual({ previous: [null], current: 'c2' });
    stack = previousPage(previousPage(stack));
    expect(stack).toEqual(firstPage);
  });
});

describe('sanitizeState', () => {
  it('drops unknown columns and defaults missing parts', () => {
    const fallback = { columns: ['name'], query: { combinator: 'and', rules: [] }, sort: ['-amount'], q: '' };
    expect(sanitizeState({ columns: ['gone', 'amount'], q: 'x' }, ['name', 'amount'], fallback)).toEqual({ ...fallback, columns: ['amount'], q: 'x' });
    expect(sanitizeState(null, ['name'], fallback)).toEqual(fallback);
  });
});

describe('header clicks', () => {
  it('sorts by the clicked column alone on a plain click', () => {
    expect(clickSort(['expected_close'], 'amount', 'ascend', false)).toEqual(['amount']);
    expect(clickSort(['amount'], 'amount', 'descend', false)).toEqual(['-amount']);
    expect(clickSort(['-amount'], 'amount', null, false)).toEqual([]);
  });
  it('adds, changes in place or drops a key with a modifier held', () => {
    expect(clickSort(['expected_close'], 'amount', 'ascend', true)).toEqual(['expected_close', 'amount']);
    expect(clickSort(['amount', 'name'], 'amount', 'descend', true)).toEqual(['-amount', 'name']);
    expect(clickSort(['-amount', 'name'], 'amount', null, true)).toEqual(['name']);
  });
  it('finds the column the table changed, a missing sortable one as turned off', () => {
    expect(changedColumn(['expected_close'], [{ field: 'amount', order: 'ascend' }], ['name', 'amount'])).toEqual({ field: 'amount', order: 'ascend' });
    expect(changedColumn(['-amount'], [], ['name', 'amount'])).toEqual({ field: 'amount', order: null });
    expect(changedColumn(['name'], [{ field: 'name', order: 'ascend' }], ['name', 'amount'])).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { allOf, FIRST_PAGE, nextPage, orderOf, previousPage, sortFromSorter, viewSort } from './listQuery';

describe('list sorting', () => {
  it('starts from the view and reads antd multi-sort back in click order', () => {
    const view = { key: 'deals', label: 'Deals', entity: 'deal', type: 'list' as const, sort: [{ field: 'amount', direction: 'desc' as const }, { field: 'name' }] };
    expect(viewSort(view)).toEqual(['-amount', 'name']);
    expect(sortFromSorter([{ columnKey: 'stage', order: 'ascend' }, { columnKey: 'amount', order: 'descend' }, { columnKey: 'name', order: null }])).toEqual(['stage', '-amount']);
    expect(sortFromSorter({ field: 'name', order: 'descend' })).toEqual(['-name']);
    expect(orderOf(['-amount', 'name'], 'amount')).toBe('descend');
    expect(orderOf(['-amount', 'name'], 'name')).toBe('ascend');
    expect(orderOf(['-amount'], 'stage')).toBeNull();
  });
});

describe('list filters', () => {
  it('ANDs the view, the address and the user filter, skipping the empty ones', () => {
    const stage = { '==': [{ var: 'stage' }, 'won'] };
    const amount = { '>': [{ var: 'amount' }, 1000] };
    expect(allOf(undefined, null, {})).toBeUndefined();
    expect(allOf(stage, undefined)).toEqual(stage);
    expect(allOf(stage, amount)).toEqual({ and: [stage, amount] });
  });
});

describe('keyset paging', () => {
  it('remembers the cursor of each page so Previous goes back exactly', () => {
    let paging = nextPage(FIRST_PAGE, 'c1');
    paging = nextPage(paging, 'c2');
    expect(paging).toEqual({ cursors: [null, 'c1', 'c2'], page: 2 });
    paging = previousPage(paging);
    expect(paging.cursors[paging.page]).toBe('c1');
    expect(nextPage(paging, 'c2b')).toEqual({ cursors: [null, 'c1', 'c2b'], page: 2 });
    expect(previousPage(FIRST_PAGE)).toBe(FIRST_PAGE);
    expect(nextPage(FIRST_PAGE, null)).toBe(FIRST_PAGE);
  });
});

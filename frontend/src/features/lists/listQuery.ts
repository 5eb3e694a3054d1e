// The pure part of a list: the view's sort as the API's `sort` parameter, antd's sorter
// state turned back into it, the filters of the view, of the address and of the user ANDed
// into one JsonLogic `where`, and the stack of keyset cursors behind Previous / Next.

import type { ViewDefinition } from '../../api/apps';

export type SortKey = string; // `name` ascending, `-amount` descending

export function viewSort(view: ViewDefinition): SortKey[] {
  return (view.sort ?? []).map((s) => (s.direction === 'desc' ? `-${s.field}` : s.field));
}

export interface SorterState {
  field?: unknown;
  columnKey?: unknown;
  order?: 'ascend' | 'descend' | null;
}

/** antd Table's sorter answer (one or several, in the order the user clicked) → `sort`. */
export function sortFromSorter(sorter: SorterState | SorterState[]): SortKey[] {
  const list = Array.isArray(sorter) ? sorter : [sorter];
  return list
    .filter((s) => s.order && (s.columnKey ?? s.field))
    .map((s) => `${s.order === 'descend' ? '-' : ''}${String(s.columnKey ?? s.field)}`);
}

export function orderOf(sort: SortKey[], field: string): 'ascend' | 'descend' | null {
  if (sort.includes(field)) return 'ascend';
  if (sort.includes(`-${field}`)) return 'descend';
  return null;
}

/** Every present condition ANDed (none → undefined: the server lists everything readable). */
export function allOf(...conditions: unknown[]): unknown {
  const present = conditions.filter((c) => c !== undefined && c !== null && c !== true && !(typeof c === 'object' && Object.keys(c as object).length === 0));
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : { and: present };
}

/** Cursors of the pages seen so far: page n was fetched with cursors[n] (page 0 with none). */
export interface Paging {
  cursors: (string | null)[];
  page: number;
}

export const FIRST_PAGE: Paging = { cursors: [null], page: 0 };

export function nextPage(paging: Paging, nextCursor: string | null): Paging {
  if (!nextCursor) return paging;
  const cursors = paging.cursors.slice(0, paging.page + 1);
  cursors.push(nextCursor);
  return { cursors, page: paging.page + 1 };
}

export function previousPage(paging: Paging): Paging {
  return paging.page === 0 ? paging : { cursors: paging.cursors, page: paging.page - 1 };
}

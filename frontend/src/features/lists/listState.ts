// What a list shows, as one JSON-able value: kept by the list page and stored as a saved
// view's `state` (columns, the filter builder's tree, sort and search).

import type { RuleGroupType } from 'react-querybuilder';

export interface ListState {
  columns: string[];
  query: RuleGroupType;
  sort: string[];
  q: string;
}

export const emptyQuery: RuleGroupType = { combinator: 'and', rules: [] };

/** A saved state made safe to apply: unknown columns dropped, missing parts defaulted. */
export function sanitizeState(state: Partial<ListState> | null | undefined, known: string[], fallback: ListState): ListState {
  const columns = Array.isArray(state?.columns) ? state.columns.filter((c) => known.includes(c)) : [];
  return {
    columns: columns.length ? columns : fallback.columns,
    query: state?.query && Array.isArray(state.query.rules) ? state.query : emptyQuery,
    sort: Array.isArray(state?.sort) ? state.sort.filter((s) => typeof s === 'string') : fallback.sort,
    q: typeof state?.q === 'string' ? state.q : '',
  };
}

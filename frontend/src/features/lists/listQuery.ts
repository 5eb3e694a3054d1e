// The list's query state as pure functions: the `sort` parameter from the table's sorters,
// the effective `where` (view AND drill-down AND the user's filter), the filter tree turned
// into the JsonLogic the server's compiler accepts, and the stack of keyset cursors behind
// Previous/Next. Kept free of React so each piece is unit-tested on its own.

import type { RuleGroupType, RuleType } from 'react-querybuilder';
import type { ViewDefinition } from '../../api/apps';
import type { FieldDefinition } from '../../api/meta';

export type JsonLogic = Record<string, unknown>;

/** One sorted column as the table reports it. */
export interface SortColumn {
  field: string;
  order: 'ascend' | 'descend' | null | undefined;
}

/** `['-amount', 'name']` from the sorted columns, in the order they were chosen. */
export function sortParam(columns: SortColumn[]): string[] {
  return columns.filter((c) => c.order).map((c) => (c.order === 'descend' ? `-${c.field}` : c.field));
}

/**
 * The `sort` parameter after a click on `field`'s header, the table's next order for it given.
 * A plain click sorts by that column alone (its order cycling ascend → descend → off); with
 * Shift, Ctrl or Cmd held (`additive`) the column is added as a further key, or changed or
 * dropped in place if it is one already, so earlier keys keep their precedence.
 */
export function clickSort(current: string[], field: string, order: SortColumn['order'], additive: boolean): string[] {
  const key = order === 'descend' ? `-${field}` : order === 'ascend' ? field : null;
  if (!additive) return key ? [key] : [];
  const at = current.findIndex((s) => s === field || s === `-${field}`);
  if (at < 0) return key ? [...current, key] : current;
  const next = [...current];
  if (key) next[at] = key;
  else next.splice(at, 1);
  return next;
}

/**
 * The column whose order the table's report changed compared with `current`, if any. The table
 * reports only sorted columns, so a sortable column missing from the report has been turned off.
 */
export function changedColumn(current: string[], reported: SortColumn[], sortable: string[]): SortColumn | undefined {
  for (const field of sortable) {
    const order = reported.find((c) => c.field === field)?.order ?? null;
    if (order !== sortOrderOf(current, field)) return { field, order };
  }
  return undefined;
}

/** The view's sort as the list's initial `sort` parameter. */
export function viewSort(view: ViewDefinition): string[] {
  return (view.sort ?? []).map((s) => (s.direction === 'desc' ? `-${s.field}` : s.field));
}

/** The order a field is sorted in by a `sort` parameter (for the table's column headers). */
export function sortOrderOf(sort: string[], field: string): 'ascend' | 'descend' | null {
  if (sort.includes(field)) return 'ascend';
  if (sort.includes(`-${field}`)) return 'descend';
  return null;
}

function isEmptyCondition(value: unknown): boolean {
  return value === undefined || value === null || value === true || (typeof value === 'object' && Object.keys(value as object).length === 0);
}

/** AND of every condition given (the view's, a drill-down's, the user's); undefined when none. */
export function combineWhere(...parts: unknown[]): unknown {
  const present = parts.filter((p) => !isEmptyCondition(p));
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { and: present };
}

const NUMBER_TYPES = new Set(['number', 'integer', 'decimal', 'currency', 'percent', 'rating', 'duration', 'autonumber']);
const DATE_TYPES = new Set(['date', 'datetime', 'created_at', 'updated_at']);

export type FilterKind = 'text' | 'number' | 'date' | 'select' | 'boolean' | 'relation';

export function filterKind(field: FieldDefinition): FilterKind | null {
  if (NUMBER_TYPES.has(field.type)) return 'number';
  if (DATE_TYPES.has(field.type)) return 'date';
  if (field.type === 'select') return 'select';
  if (field.type === 'boolean') return 'boolean';
  if (field.type === 'relation' && !field.options?.many) return 'relation';
  if (['text', 'email', 'url', 'phone', 'long_text'].includes(field.type)) return 'text';
  return null;
}

/** The operators offered per kind of field (names are react-querybuilder's). */
export const OPERATORS: Record<FilterKind, string[]> = {
  text: ['contains', 'doesNotContain', '=', '!=', 'null', 'notNull'],
  number: ['=', '!=', '<', '<=', '>', '>=', 'between', 'null', 'notNull'],
  date: ['=', '!=', '<', '<=', '>', '>=', 'between', 'null', 'notNull'],
  select: ['=', '!=', 'in', 'null', 'notNull'],
  boolean: ['='],
  relation: ['=', 'null', 'notNull'],
};

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((v) => v !== '');
  return String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function typed(kind: FilterKind | null, value: unknown): unknown {
  if (kind === 'number' || kind === 'relation') {
    const number = Number(value);
    return value === '' || value === null || Number.isNaN(number) ? null : number;
  }
  if (kind === 'boolean') return value === true || value === 'true';
  return value;
}

/** One rule as JsonLogic the server compiles, or null while the rule is incomplete. */
export function ruleToJsonLogic(rule: RuleType, fields: FieldDefinition[]): JsonLogic | null {
  const field = fields.find((f) => f.key === rule.field);
  const kind = field ? filterKind(field) : null;
  const variable = { var: rule.field };
  switch (rule.operator) {
    case 'null':
      return { '==': [variable, null] };
    case 'notNull':
      return { '!=': [variable, null] };
    case 'contains':
    case 'doesNotContain': {
      const text = String(rule.value ?? '');
      if (!text) return null;
      const found = { in: [text, variable] };
      return rule.operator === 'contains' ? found : { '!': found };
    }
    case 'in': {
      const items = listOf(rule.value);
      return items.length ? { in: [variable, items] } : null;
    }
    case 'between': {
      const [low, high] = listOf(rule.value).map((v) => typed(kind, v));
      if (low === undefined || high === undefined || low === null || high === null) return null;
      return { and: [{ '>=': [variable, low] }, { '<=': [variable, high] }] };
    }
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const value = typed(kind, rule.value);
      if (value === null || value === undefined || value === '') return null;
      const op = rule.operator === '=' ? '==' : rule.operator;
      return { [op]: [variable, value] };
    }
    default:
      return null;
  }
}

/** The filter builder's tree as JsonLogic; undefined when it holds no complete rule. */
export function queryToJsonLogic(group: RuleGroupType, fields: FieldDefinition[]): JsonLogic | undefined {
  const parts: JsonLogic[] = [];
  for (const item of group.rules) {
    if (typeof item === 'string') continue;
    const part = 'rules' in item ? queryToJsonLogic(item as RuleGroupType, fields) : ruleToJsonLogic(item, fields);
    if (part) parts.push(part);
  }
  if (parts.length === 0) return undefined;
  const joined = parts.length === 1 ? parts[0] : { [group.combinator === 'or' ? 'or' : 'and']: parts };
  return group.not ? { '!': joined } : joined;
}

/** Keyset paging: the cursors of the pages before the current one, and the current one. */
export interface CursorStack {
  previous: (string | null)[];
  current: string | null;
}

export const firstPage: CursorStack = { previous: [], current: null };

export function nextPage(stack: CursorStack, nextCursor: string): CursorStack {
  return { previous: [...stack.previous, stack.current], current: nextCursor };
}

export function previousPage(stack: CursorStack): CursorStack {
  if (stack.previous.length === 0) return stack;
  return { previous: stack.previous.slice(0, -1), current: stack.previous[stack.previous.length - 1] ?? null };
}

export function pageNumber(stack: CursorStack): number {
  return stack.previous.length + 1;
}

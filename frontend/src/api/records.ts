// Records over HTTP (`/api/records/{entity}`): list with JsonLogic filter, text search,
// multi-column sort and keyset paging; read, create, change (optimistic `_version`), delete,
// restore, history and aggregates. Every call is checked by the server as the signed-in user.

import { api } from './client';

export type RecordId = string | number;

export interface RecordRef {
  id: RecordId;
  title: string | null;
}

export interface RecordData {
  id: RecordId;
  _version: number;
  _created_at?: string;
  _updated_at?: string;
  _created_by?: number | null;
  _updated_by?: number | null;
  _owner?: number | null;
  _deleted_at?: string;
  /** Titles of related records and users, by field key (a many-relation gives a list). */
  _refs?: Record<string, RecordRef | RecordRef[] | null>;
  [field: string]: unknown;
}

export interface ListQuery {
  where?: unknown;
  q?: string;
  /** Field keys, `-` first for descending: `['-amount', 'name']`. */
  sort?: string[];
  limit?: number;
  cursor?: string | null;
  fields?: string[];
  total?: boolean;
  deleted?: boolean;
}

export interface ListAnswer {
  items: RecordData[];
  next_cursor: string | null;
  total: number | null;
  total_is_estimate: boolean;
}

export function recordsPath(entity: string): string {
  return `/api/records/${encodeURIComponent(entity)}`;
}

/** The query string of a list (also used by the CSV export, which takes the same filter). */
export function listSearch(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.where !== undefined && query.where !== null) params.set('where', JSON.stringify(query.where));
  if (query.q) params.set('q', query.q);
  if (query.sort && query.sort.length) params.set('sort', query.sort.join(','));
  if (query.limit) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.fields && query.fields.length) params.set('fields', query.fields.join(','));
  if (query.total === false) params.set('total', 'false');
  if (query.deleted) params.set('deleted', 'true');
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function listRecords(entity: string, query: ListQuery, signal?: AbortSignal): Promise<ListAnswer> {
  return api.get<ListAnswer>(`${recordsPath(entity)}${listSearch(query)}`, signal);
}

export function getRecord(entity: string, id: RecordId, signal?: AbortSignal): Promise<RecordData> {
  return api.get<RecordData>(`${recordsPath(entity)}/${encodeURIComponent(String(id))}`, signal);
}

export function createRecord(entity: string, values: Record<string, unknown>): Promise<RecordData> {
  return api.post<RecordData>(recordsPath(entity), values);
}

export function updateRecord(entity: string, id: RecordId, values: Record<string, unknown>, version?: number): Promise<RecordData> {
  const body = version === undefined ? values : { ...values, _version: version };
  return api.patch<RecordData>(`${recordsPath(entity)}/${encodeURIComponent(String(id))}`, body);
}

export function deleteRecord(entity: string, id: RecordId): Promise<null> {
  return api.delete<null>(`${recordsPath(entity)}/${encodeURIComponent(String(id))}`);
}

export function restoreRecord(entity: string, id: RecordId): Promise<RecordData> {
  return api.post<RecordData>(`${recordsPath(entity)}/${encodeURIComponent(String(id))}/restore`);
}

export interface HistoryEntry {
  [key: string]: unknown;
}

export async function recordHistory(entity: string, id: RecordId, signal?: AbortSignal): Promise<HistoryEntry[]> {
  return (await api.get<{ items: HistoryEntry[] }>(`${recordsPath(entity)}/${encodeURIComponent(String(id))}/history`, signal)).items;
}

export interface AggregateGroup {
  key: Record<string, unknown>;
  count?: number;
  [metric: string]: unknown;
}

export async function aggregateRecords(
  entity: string,
  groupBy: string[],
  metrics: string[],
  where?: unknown,
  signal?: AbortSignal,
): Promise<AggregateGroup[]> {
  const params = new URLSearchParams();
  if (groupBy.length) params.set('group_by', groupBy.join(','));
  params.set('metrics', metrics.join(','));
  if (where !== undefined && where !== null) params.set('where', JSON.stringify(where));
  return (await api.get<{ groups: AggregateGroup[] }>(`${recordsPath(entity)}/aggregate?${params}`, signal)).groups;
}

// The queries of one record page, keyed under queryKeys.record so a write can refresh
// everything the page shows about the record at once.

import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { LocalizedText } from '../../i18n/localized';
import { getRecord, recordHistory, type RecordData, type RecordId } from '../../api/records';
import { isApiError } from '../../api/errors';
import { fetchApprovals, fetchTransitions, fetchWorkflowLog, type TransitionsAnswer } from '../../api/workflows';
import { queryKeys, useApps } from '../../app/queries';

export interface RecordAction {
  rule: string;
  label: LocalizedText;
  available: boolean;
}

export interface ActionResult {
  run: { uid: string; rule: string; status: string };
  record: RecordData;
}

function actionsPath(entity: string, id: RecordId): string {
  return `/api/records/${encodeURIComponent(entity)}/${encodeURIComponent(String(id))}/actions`;
}

export async function fetchRecordActions(entity: string, id: RecordId, signal?: AbortSignal): Promise<RecordAction[]> {
  return (await api.get<{ items: RecordAction[] }>(actionsPath(entity, id), signal)).items;
}

export function runRecordAction(entity: string, id: RecordId, rule: string): Promise<ActionResult> {
  return api.post<ActionResult>(`${actionsPath(entity, id)}/${encodeURIComponent(rule)}`);
}

export function useRecord(entity: string, id: string) {
  return useQuery({ queryKey: queryKeys.record(entity, id), queryFn: ({ signal }) => getRecord(entity, id, signal), enabled: Boolean(entity && id) });
}

/** The transitions the record offers; an entity without an active workflow offers none
 * (the server answers that with a 404 naming the entity rather than the record). */
export async function transitionsOrNone(entity: string, id: string, signal?: AbortSignal): Promise<TransitionsAnswer> {
  try {
    return await fetchTransitions(entity, id, signal);
  } catch (error) {
    if (isApiError(error) && error.status === 404 && /workflow/i.test(error.message)) return { items: [], workflows: [] };
    throw error;
  }
}

export function useTransitions(entity: string, id: string) {
  return useQuery({ queryKey: [...queryKeys.record(entity, id), 'transitions'], queryFn: ({ signal }) => transitionsOrNone(entity, id, signal) });
}

export function useRecordApprovals(entity: string, id: string) {
  return useQuery({
    queryKey: [...queryKeys.record(entity, id), 'approvals'],
    queryFn: ({ signal }) => fetchApprovals({ entity, record_id: id }, signal),
  });
}

export function useRecordTimelineSources(entity: string, id: string) {
  const history = useQuery({ queryKey: [...queryKeys.record(entity, id), 'history'], queryFn: ({ signal }) => recordHistory(entity, id, signal) });
  const workflow = useQuery({ queryKey: [...queryKeys.record(entity, id), 'workflow'], queryFn: ({ signal }) => fetchWorkflowLog(entity, id, signal) });
  return { history, workflow };
}

export function useRecordActions(entity: string, id: string) {
  return useQuery({ queryKey: [...queryKeys.record(entity, id), 'actions'], queryFn: ({ signal }) => fetchRecordActions(entity, id, signal) });
}

/** The form to show an entity's records with: its app's form definition, else the generated one. */
export function useFormKey(entity: string): string | null {
  const apps = useApps();
  if (apps.isPending) return null;
  for (const app of apps.data ?? []) {
    for (const item of app.entities) {
      const form = (item as { form?: unknown }).form;
      if (item.key === entity && typeof form === 'string' && form) return form;
    }
  }
  return entity;
}

// Workflows, approvals and notifications over HTTP: the transitions a record offers the
// caller now, taking one (202 = sent for approval), its workflow log, the approvals inbox
// and the notifications inbox.

import type { LocalizedText } from '../i18n/localized';
import { api } from './client';
import type { RecordData, RecordId } from './records';

export interface WorkflowState {
  key: string;
  label: LocalizedText;
  color?: string;
  category?: string;
}

export interface Transition {
  key: string;
  workflow: string;
  label: LocalizedText;
  to: WorkflowState;
  /** Fields the transition asks for (its small form). */
  fields: { key: string; required?: boolean }[];
  comment: 'none' | 'optional' | 'required' | string;
  approval: boolean;
  guard_met: boolean;
  /** Why the guard is not met, when the server says. */
  reason?: LocalizedText | string | null;
}

export interface TransitionsAnswer {
  items: Transition[];
  workflows: { workflow: string; field: string; state: WorkflowState | null; items: Transition[] }[];
}

function recordPath(entity: string, id: RecordId): string {
  return `/api/records/${encodeURIComponent(entity)}/${encodeURIComponent(String(id))}`;
}

export function fetchTransitions(entity: string, id: RecordId, signal?: AbortSignal): Promise<TransitionsAnswer> {
  return api.get<TransitionsAnswer>(`${recordPath(entity, id)}/transitions`, signal);
}

/** The record after the move, or (approval needed) the pending approval. */
export type TransitionResult = RecordData | { approval: Approval; [key: string]: unknown };

export function takeTransition(
  entity: string,
  id: RecordId,
  transition: string,
  body: { comment?: string; fields?: Record<string, unknown> } = {},
): Promise<TransitionResult> {
  return api.post<TransitionResult>(`${recordPath(entity, id)}/transitions/${encodeURIComponent(transition)}`, body);
}

export interface WorkflowLogEntry {
  id: number;
  at: string;
  workflow: string;
  /** `transitioned`, or an approval event (`requested`, `approved`, ...). */
  event: string;
  transition: string | null;
  user: { id: number | null; name: string | null; email: string | null } | null;
  from: string | null;
  to: string | null;
  comment: string | null;
  [key: string]: unknown;
}

export async function fetchWorkflowLog(entity: string, id: RecordId, signal?: AbortSignal): Promise<WorkflowLogEntry[]> {
  return (await api.get<{ items: WorkflowLogEntry[] }>(`${recordPath(entity, id)}/workflow`, signal)).items;
}

export interface ApprovalTask {
  id: number;
  user: { id: number; name: string | null } | null;
  status: string;
  comment?: string | null;
  decided_at?: string | null;
  [key: string]: unknown;
}

export interface Approval {
  id: number;
  workflow: string;
  entity: string;
  record_id: RecordId;
  record_title: string | null;
  transition: string;
  label: LocalizedText | null;
  from: string | null;
  to: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'sent_back' | 'withdrawn' | string;
  requested_by: { id: number; name: string | null } | string | null;
  comment: string | null;
  created_at: string;
  decided_at: string | null;
  steps: { index: number; key?: string; label?: LocalizedText; mode: string; open: boolean; tasks: ApprovalTask[] }[];
  /** The caller's own pending task, when it is their turn to decide. */
  my_task: number | null;
}

export interface ApprovalQuery {
  mine?: boolean;
  requested?: boolean;
  status?: string;
  entity?: string;
  record_id?: RecordId;
}

export async function fetchApprovals(query: ApprovalQuery, signal?: AbortSignal): Promise<Approval[]> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== false) params.set(key, String(value));
  }
  return (await api.get<{ items: Approval[] }>(`/api/approvals?${params}`, signal)).items;
}

export type Decision = 'approve' | 'reject' | 'send_back' | 'withdraw';

export function decideApproval(id: number, decision: Decision, comment?: string): Promise<Approval> {
  return api.post<Approval>(`/api/approvals/${id}`, { decision, comment });
}

export interface Notification {
  id: number;
  title: string;
  body: string | null;
  link: { entity: string; id: RecordId } | null;
  rule?: string | null;
  created_at: string;
  read: boolean;
  read_at: string | null;
}

export async function fetchNotifications(signal?: AbortSignal): Promise<Notification[]> {
  return (await api.get<{ items: Notification[] }>('/api/notifications', signal)).items;
}

export function markNotificationRead(id: number): Promise<unknown> {
  return api.post(`/api/notifications/${id}/read`);
}

export function markAllNotificationsRead(): Promise<unknown> {
  return api.post('/api/notifications/read-all');
}

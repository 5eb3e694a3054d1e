// Pure rules of the customer portal: milestone ordering, the next milestones, how a
// project's progress reads, and which projects invite an NPS answer. Kept apart from the
// screens so they are tested without a browser.

import type { RecordData } from '../../api/records';

const DONE_MILESTONES: ReadonlySet<string> = new Set(['reached']);
const CLOSED_TICKETS: ReadonlySet<string> = new Set(['resolved', 'closed']);

export function isMilestoneDone(milestone: RecordData): boolean {
  return DONE_MILESTONES.has(String(milestone.status ?? ''));
}

export function isTicketOpen(ticket: RecordData): boolean {
  return !CLOSED_TICKETS.has(String(ticket.status ?? ''));
}

function sequenceOf(milestone: RecordData): number {
  return typeof milestone.sequence === 'number' ? milestone.sequence : Number.MAX_SAFE_INTEGER;
}

function dueOf(milestone: RecordData): string {
  return typeof milestone.due_date === 'string' ? milestone.due_date : '9999-12-31';
}

/** Milestones in delivery order: by sequence, then due date, then id. */
export function orderMilestones(milestones: readonly RecordData[]): RecordData[] {
  return [...milestones].sort(
    (a, b) =>
      sequenceOf(a) - sequenceOf(b) || dueOf(a).localeCompare(dueOf(b)) || String(a.id).localeCompare(String(b.id)),
  );
}

/** The first `count` milestones of a project still to be reached, in delivery order. */
export function nextMilestones(milestones: readonly RecordData[], projectId: RecordData['id'], count = 2): RecordData[] {
  return orderMilestones(milestones.filter((m) => String(m.project) === String(projectId) && !isMilestoneDone(m))).slice(
    0,
    count,
  );
}

/** A progress percentage for antd Progress (0..100, whole number), or null when the server sent none. */
export function progressPercent(value: unknown): number | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return null;
  return Math.round(Math.min(100, Math.max(0, value)));
}

/** Is a milestone overdue on `today` (YYYY-MM-DD)? */
export function isOverdue(milestone: RecordData, today: string): boolean {
  return !isMilestoneDone(milestone) && typeof milestone.due_date === 'string' && milestone.due_date < today;
}

/**
 * Completed projects the customer has not answered the NPS survey for yet (the automation
 * sends the survey when a project is completed; a response names its project).
 */
export function projectsAwaitingNps(projects: readonly RecordData[], responses: readonly RecordData[]): RecordData[] {
  const answered = new Set(responses.map((r) => String(r.project)));
  return projects.filter((p) => p.status === 'completed' && !answered.has(String(p.id)));
}

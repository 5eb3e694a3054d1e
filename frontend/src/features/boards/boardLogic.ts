// The pure decisions behind the boards: which transition a kanban drop means, why a drop is
// refused, and how records become calendar events and Gantt rows. Kept free of React so
// they are tested on their own.

import type { ViewDefinition } from '../../api/apps';
import type { EntityDefinition, FieldDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';
import type { Transition, TransitionsAnswer } from '../../api/workflows';
import { choiceColor, formatValue } from '../../fields/format';
import { localized } from '../../i18n/localized';

/** The view's own filter (docs call it `filter`, older definitions `where`). */
export function viewFilter(view: ViewDefinition): unknown {
  return view.where ?? (view.filter as unknown) ?? undefined;
}

/** AND of the given conditions, leaving out the missing ones. */
export function allOf(...conditions: unknown[]): unknown {
  const present = conditions.filter((c) => c !== undefined && c !== null);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { and: present };
}

export function sortOf(view: ViewDefinition): string[] | undefined {
  return view.sort?.map((s) => (s.direction === 'desc' ? `-${s.field}` : s.field));
}

/** The transitions of the workflow that drives `field`, or null when no workflow drives it. */
export function transitionsForField(answer: TransitionsAnswer, field: string): Transition[] | null {
  const workflow = answer.workflows.find((w) => w.field === field);
  return workflow ? workflow.items : null;
}

export type DropDecision =
  | { kind: 'patch' }
  | { kind: 'transition'; transition: Transition }
  | { kind: 'refused'; allowed: Transition[]; guard?: Transition };

/** What dropping a card on the column `target` of `field` means for the record. */
export function decideDrop(answer: TransitionsAnswer, field: string, target: string): DropDecision {
  const items = transitionsForField(answer, field);
  if (items === null) return { kind: 'patch' };
  const toTarget = items.filter((t) => t.to.key === target);
  const usable = toTarget.find((t) => t.guard_met);
  if (usable) return { kind: 'transition', transition: usable };
  return { kind: 'refused', allowed: items.filter((t) => t.guard_met), guard: toTarget[0] };
}

/** Whether a transition needs its small form (fields or a required comment) before moving. */
export function needsForm(transition: Transition): boolean {
  return transition.fields.length > 0 || transition.comment === 'required';
}

/** Text explaining a refused drop: the guard's reason, else the moves allowed from here. */
export function refusalText(
  decision: Extract<DropDecision, { kind: 'refused' }>,
  language: string,
  words: { guard: (reason: string) => string; allowed: (list: string) => string; none: string },
): string {
  if (decision.guard) {
    const reason =
      typeof decision.guard.reason === 'string' ? decision.guard.reason : localized(decision.guard.reason ?? null, language);
    return words.guard(reason ?? localized(decision.guard.label, language) ?? decision.guard.key);
  }
  if (decision.allowed.length === 0) return words.none;
  const list = decision.allowed.map((t) => `${localized(t.label, language) ?? t.key} → ${localized(t.to.label, language) ?? t.to.key}`);
  return words.allowed(list.join(', '));
}

/** A transition answer that went to approval instead of moving the record. */
export function isApprovalResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'approval' in result && !('_version' in result);
}

export interface CalendarEvent {
  id: string;
  title: string;
  start: string;
  end?: string;
  allDay: boolean;
  color?: string;
  extendedProps: { recordId: string; version: number };
}

function titleOf(entity: EntityDefinition, record: RecordData, language: string): string {
  const key = entity.title_field ?? 'name';
  const field = entity.fields.find((f) => f.key === key);
  if (field) {
    const text = formatValue(field, record, language);
    if (text && text !== '—') return text;
  }
  return `#${record.id}`;
}

/** The first select field among the view's columns, whose choice colours tint the events. */
export function colourField(entity: EntityDefinition, view: ViewDefinition): FieldDefinition | undefined {
  return (view.columns ?? [])
    .map((key) => entity.fields.find((f) => f.key === key))
    .find((f): f is FieldDefinition => f !== undefined && f.type === 'select');
}

/** A record as a calendar event, or null when it has no date. */
export function recordToEvent(record: RecordData, entity: EntityDefinition, view: ViewDefinition, language: string): CalendarEvent | null {
  const dateField = view.date_field ?? '';
  const start = record[dateField];
  if (typeof start !== 'string' || !start) return null;
  const field = entity.fields.find((f) => f.key === dateField);
  const allDay = !field || field.type === 'date';
  const endValue = view.end_field ? record[view.end_field] : undefined;
  const colour = colourField(entity, view);
  const event: CalendarEvent = {
    id: String(record.id),
    title: titleOf(entity, record, language),
    start,
    allDay,
    extendedProps: { recordId: String(record.id), version: record._version },
  };
  if (typeof endValue === 'string' && endValue) {
    // An all-day end is exclusive in the calendar; the record's end day is inclusive.
    event.end = allDay ? addDays(endValue, 1) : endValue;
  }
  const color = colour ? choiceColor(colour, record[colour.key]) : undefined;
  if (color) event.color = color;
  return event;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A local Date as YYYY-MM-DD (what a date field stores). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export interface GanttRow {
  id: string;
  name: string;
  start: string;
  end: string;
  progress: number;
  dependencies: string;
  custom_class?: string;
  /** 'task' rows are records of the view's entity; 'milestone' rows are markers. */
  kind: 'task' | 'milestone';
  recordId: string;
  version: number;
}

export interface GanttInput {
  tasks: RecordData[];
  dependencies: RecordData[];
  milestones: RecordData[];
}

function relId(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'object' && 'id' in (value as object)) return String((value as { id: unknown }).id);
  return String(value);
}

/** Tasks (with dates) as bars with their predecessors, and milestones as zero-length markers. */
export function ganttRows(input: GanttInput, view: ViewDefinition, titleField = 'name'): GanttRow[] {
  const start = view.date_field ?? 'start_date';
  const end = view.end_field ?? start;
  const progress = view.progress_field;
  const from = view.dependencies?.from ?? 'predecessor';
  const to = view.dependencies?.to ?? 'successor';
  const predecessors = new Map<string, string[]>();
  for (const dep of input.dependencies) {
    const a = relId(dep[from]);
    const b = relId(dep[to]);
    if (a && b) predecessors.set(b, [...(predecessors.get(b) ?? []), a]);
  }
  const rows: GanttRow[] = [];
  const shown = new Set<string>();
  for (const task of input.tasks) {
    const s = task[start] ?? task[end];
    const e = task[end] ?? task[start];
    if (typeof s !== 'string' || typeof e !== 'string') continue;
    shown.add(String(task.id));
    rows.push({
      id: `task-${task.id}`,
      name: String(task[titleField] ?? `#${task.id}`),
      start: s.slice(0, 10),
      end: (e < s ? s : e).slice(0, 10),
      progress: progress && typeof task[progress] === 'number' ? Math.max(0, Math.min(100, task[progress] as number)) : 0,
      dependencies: '',
      kind: 'task',
      recordId: String(task.id),
      version: task._version,
    });
  }
  for (const row of rows) {
    row.dependencies = (predecessors.get(row.recordId) ?? [])
      .filter((id) => shown.has(id))
      .map((id) => `task-${id}`)
      .join(', ');
  }
  for (const milestone of input.milestones) {
    const due = milestone.due_date;
    if (typeof due !== 'string' || !due) continue;
    rows.push({
      id: `milestone-${milestone.id}`,
      name: `◆ ${String(milestone.name ?? `#${milestone.id}`)}`,
      start: due.slice(0, 10),
      end: due.slice(0, 10),
      progress: 0,
      dependencies: '',
      custom_class: 'loom-gantt-milestone',
      kind: 'milestone',
      recordId: String(milestone.id),
      version: milestone._version,
    });
  }
  return rows;
}

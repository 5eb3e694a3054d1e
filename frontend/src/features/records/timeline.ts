// The record's history as one timeline: field changes (`/history`) and workflow events
// (`/workflow`: transitions and approval steps) merged newest first, each change with the
// field's label and its values formatted the way the rest of the app shows them.

import type { EntityDefinition } from '../../api/meta';
import type { HistoryEntry, RecordData, RecordRef } from '../../api/records';
import type { WorkflowLogEntry } from '../../api/workflows';
import { formatValue } from '../../fields/format';
import { localized } from '../../i18n/localized';

export interface TimelineChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

export interface TimelineItem {
  key: string;
  at: string;
  who: string | null;
  kind: 'record' | 'workflow';
  /** create / update / delete / restore, or the workflow event (transition, approve, ...). */
  action: string;
  transition: string | null;
  from: string | null;
  to: string | null;
  comment: string | null;
  changes: TimelineChange[];
}

function personName(value: unknown): string | null {
  if (!value || typeof value !== 'object') return typeof value === 'string' ? value : null;
  const person = value as { name?: unknown; email?: unknown };
  if (typeof person.name === 'string' && person.name) return person.name;
  return typeof person.email === 'string' ? person.email : null;
}

/** Titles of related records known from the current record (its `_refs`), by field. */
function knownRefs(record: RecordData | undefined, field: string): RecordRef[] {
  const refs = record?._refs?.[field];
  if (!refs) return [];
  return Array.isArray(refs) ? refs : [refs];
}

/** One value of a field as text; a relation id shows its title when the record knows it. */
export function formatChangeValue(
  definition: EntityDefinition,
  field: string,
  value: unknown,
  language: string,
  record?: RecordData,
): string {
  const spec = definition.fields.find((f) => f.key === field);
  if (!spec) return value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const ids = Array.isArray(value) ? value : [value];
  const refs = knownRefs(record, field).filter((ref) => ids.some((id) => String(id) === String(ref.id)));
  const probe: RecordData = { id: 0, _version: 0, [field]: value };
  if (refs.length) probe._refs = { [field]: Array.isArray(value) ? refs : refs[0] };
  return formatValue(spec, probe, language);
}

function stateLabel(definition: EntityDefinition, key: string | null, states: Map<string, string>): string | null {
  if (key === null) return null;
  return states.get(key) ?? key ?? definition.key;
}

export interface TimelineInput {
  definition: EntityDefinition;
  record?: RecordData;
  history: HistoryEntry[];
  workflow: WorkflowLogEntry[];
  language: string;
  /** Localized labels of transitions and states, by key (from the transitions answer). */
  transitionLabels?: Map<string, string>;
  stateLabels?: Map<string, string>;
}

export function buildTimeline({ definition, record, history, workflow, language, transitionLabels, stateLabels }: TimelineInput): TimelineItem[] {
  const states = stateLabels ?? new Map<string, string>();
  const items: TimelineItem[] = [];
  history.forEach((entry, index) => {
    const changes = (entry.changes ?? {}) as Record<string, { before?: unknown; after?: unknown }>;
    items.push({
      key: `h-${String(entry.version ?? index)}-${index}`,
      at: String(entry.at ?? ''),
      who: personName(entry.user),
      kind: 'record',
      action: String(entry.action ?? 'update'),
      transition: null,
      from: null,
      to: null,
      comment: null,
      changes: Object.entries(changes).map(([field, change]) => {
        const spec = definition.fields.find((f) => f.key === field);
        return {
          field,
          label: (spec && localized(spec.label, language)) ?? field,
          before: formatChangeValue(definition, field, change?.before, language, record),
          after: formatChangeValue(definition, field, change?.after, language, record),
        };
      }),
    });
  });
  for (const entry of workflow) {
    const raw = entry as WorkflowLogEntry & { user?: unknown; from?: string | null; to?: string | null; comment?: string | null };
    items.push({
      key: `w-${entry.id}`,
      at: entry.at,
      who: personName(raw.user ?? raw.actor),
      kind: 'workflow',
      action: entry.event,
      transition: entry.transition ? (transitionLabels?.get(entry.transition) ?? entry.transition) : null,
      from: stateLabel(definition, raw.from ?? null, states),
      to: stateLabel(definition, raw.to ?? null, states),
      comment: raw.comment ?? null,
      changes: [],
    });
  }
  // Newest first; at the same instant a workflow event reads after the change it caused.
  return items.sort((a, b) => (a.at === b.at ? (a.kind === b.kind ? 0 : a.kind === 'workflow' ? -1 : 1) : a.at < b.at ? 1 : -1));
}

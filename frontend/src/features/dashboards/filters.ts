// The reader's dashboard filters (a date range, "mine"), turned into one JsonLogic per entity
// for `?filters=`: each entity's date field is the one its widgets bucket by, else its first
// date field, else when its records were created (every entity has that, so a range narrows
// leads and tickets too); its owner is its `owner` user field, else its first user field.

import type { EntityDefinition } from '../../api/meta';
import type { DashboardFilters, DashboardWidget, JsonLogic } from './dashboardApi';
import { allOf } from './drilldown';

const DATE_TYPES = new Set(['date', 'datetime', 'created_at', 'updated_at']);

/** The system field every record has: when it was created (filterable by `_created_at`). */
export const CREATED = '_created_at';

/** The fields a date range may apply to: the entity's own date fields, then its creation time. */
export function dateFieldsOf(definition: EntityDefinition): string[] {
  return [...definition.fields.filter((f) => DATE_TYPES.has(f.type)).map((f) => f.key), CREATED];
}

/** The date field a dashboard's date range applies to on one entity, if it has one. */
export function defaultDateField(definition: EntityDefinition, widgets: DashboardWidget[]): string {
  const fields = dateFieldsOf(definition);
  for (const widget of widgets) {
    if (widget.entity !== definition.key) continue;
    for (const item of widget.group_by ?? []) {
      const [field, bucket] = item.split(':');
      if (bucket && fields.includes(field)) return field;
    }
  }
  return fields.find((f) => definition.fields.find((d) => d.key === f)?.type === 'date') ?? CREATED;
}

export function ownerFieldOf(definition: EntityDefinition): string | undefined {
  const users = definition.fields.filter((f) => f.type === 'user');
  return (users.find((f) => f.key === 'owner') ?? users[0])?.key;
}

export interface FilterChoice {
  /** Inclusive `YYYY-MM-DD` bounds, either may be open. */
  range: [string | null, string | null];
  mine: boolean;
  dateFields: Record<string, string | undefined>;
  ownerFields: Record<string, string | undefined>;
}

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

export function entityFilter(entity: string, choice: FilterChoice): JsonLogic | undefined {
  const parts: JsonLogic[] = [];
  const dateField = choice.dateFields[entity];
  const [from, to] = choice.range;
  if (dateField && from) parts.push({ '>=': [{ var: dateField }, from] });
  if (dateField && to) parts.push({ '<': [{ var: dateField }, nextDay(to)] });
  const owner = choice.ownerFields[entity];
  if (choice.mine && owner) parts.push({ '==': [{ var: owner }, { var: '$user.id' }] });
  return parts.length ? allOf(parts) : undefined;
}

export function dashboardFilters(entities: string[], choice: FilterChoice): DashboardFilters {
  const filters: DashboardFilters = {};
  for (const entity of entities) {
    const rule = entityFilter(entity, choice);
    if (rule !== undefined) filters[entity] = rule;
  }
  return filters;
}

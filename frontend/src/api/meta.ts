// Entity definitions as the caller may see them (`GET /api/meta/entities[/{key}]`): the
// fields a list, a form, a filter or a card is built from. Hidden fields never arrive.

import type { LocalizedText } from '../i18n/localized';
import { api } from './client';

export interface Choice {
  value: string;
  label: LocalizedText;
  color?: string;
}

export interface FieldDefinition {
  key: string;
  type: string;
  label: LocalizedText;
  required?: boolean;
  readonly?: boolean;
  description?: LocalizedText;
  /** Per type: `choices` (select, multi_select), `target` (relation), `currency`, `scale`, ... */
  options?: Record<string, unknown> & { choices?: Choice[]; target?: string; currency?: string; scale?: number };
}

export interface EntityDefinition {
  key: string;
  label: LocalizedText;
  plural_label?: LocalizedText;
  description?: LocalizedText;
  icon?: string | null;
  title_field?: string | null;
  template?: string | null;
  fields: FieldDefinition[];
  /** What the signed-in user may do with this entity's records (row rules may still refuse one). */
  permissions?: Partial<Record<EntityAction, boolean>>;
}

export type EntityAction = 'create' | 'update' | 'delete' | 'export' | 'import' | 'transition';

/** Whether to offer an action: the server decides in the end; a button it would refuse is not shown.
 * A definition without `permissions` (an older server) offers everything. */
export function may(definition: Pick<EntityDefinition, 'permissions'>, action: EntityAction): boolean {
  return definition.permissions?.[action] ?? true;
}

export async function fetchEntityDefinitions(signal?: AbortSignal): Promise<EntityDefinition[]> {
  return (await api.get<{ items: EntityDefinition[] }>('/api/meta/entities', signal)).items;
}

export async function fetchEntityDefinition(entity: string, signal?: AbortSignal): Promise<EntityDefinition> {
  return api.get<EntityDefinition>(`/api/meta/entities/${encodeURIComponent(entity)}`, signal);
}

export function fieldOf(definition: EntityDefinition, key: string): FieldDefinition | undefined {
  return definition.fields.find((field) => field.key === key);
}

/** The relation fields of other entities that point at `entity` (a company's contacts, deals, ...). */
export function reverseRelations(
  all: EntityDefinition[],
  entity: string,
): { entity: EntityDefinition; field: FieldDefinition }[] {
  const found: { entity: EntityDefinition; field: FieldDefinition }[] = [];
  for (const other of all) {
    for (const field of other.fields) {
      if (field.type === 'relation' && field.options?.target === entity) found.push({ entity: other, field });
    }
  }
  return found;
}

// A field's label from its entity definition, in the UI language (the server's own wording).

import type { EntityDefinition } from '../../api/meta';
import { localized } from '../../i18n/localized';

export function fieldLabel(entity: EntityDefinition | undefined, key: string, language: string, fallback: string): string {
  const field = entity?.fields.find((f) => f.key === key);
  return (field && localized(field.label, language)) || fallback;
}

export function fieldChoices(entity: EntityDefinition | undefined, key: string, language: string) {
  const field = entity?.fields.find((f) => f.key === key);
  return (field?.options?.choices ?? []).map((c) => ({ value: c.value, label: localized(c.label, language) ?? c.value }));
}

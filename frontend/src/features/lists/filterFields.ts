// The entity's fields as react-querybuilder sees them: per field type the operators the
// server's JsonLogic compiler understands (comparisons, `in` for membership and substring,
// null checks), the value editor (number, date, a select of the localized choices, yes/no,
// a select of related records) — so every filter built can run on the server as is.

import type { Field, Operator } from 'react-querybuilder';
import type { EntityDefinition, FieldDefinition } from '../../api/meta';
import type { RecordRef } from '../../api/records';
import { localized } from '../../i18n/localized';

const NUMERIC = new Set(['integer', 'decimal', 'currency', 'percent', 'rating', 'duration', 'formula', 'rollup', 'auto_number']);
const TEMPORAL = new Set(['date', 'datetime', 'created_at', 'updated_at']);
const UNFILTERABLE = new Set(['attachment', 'sub_table', 'rich_text']);

type OperatorName = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'doesNotContain' | 'in' | 'notIn' | 'between' | 'null' | 'notNull';

export type OperatorLabels = Record<OperatorName, string>;

function operators(names: OperatorName[], labels: OperatorLabels): Operator[] {
  return names.map((name) => ({ name, value: name, label: labels[name] }));
}

export function filterFields(
  entity: EntityDefinition,
  language: string,
  labels: OperatorLabels,
  related: Record<string, RecordRef[]>,
  yesNo: { yes: string; no: string },
): Field[] {
  return entity.fields
    .filter((field) => !UNFILTERABLE.has(field.type) && !(field.type === 'relation' && field.options?.many))
    .map((field) => describe(field, language, labels, related, yesNo));
}

function describe(
  field: FieldDefinition,
  language: string,
  labels: OperatorLabels,
  related: Record<string, RecordRef[]>,
  yesNo: { yes: string; no: string },
): Field {
  const base = { name: field.key, value: field.key, label: localized(field.label, language) ?? field.key };
  if (NUMERIC.has(field.type)) {
    return { ...base, inputType: 'number', operators: operators(['=', '!=', '<', '<=', '>', '>=', 'between', 'null', 'notNull'], labels) };
  }
  if (TEMPORAL.has(field.type)) {
    return { ...base, inputType: 'date', operators: operators(['=', '<', '<=', '>', '>=', 'between', 'null', 'notNull'], labels) };
  }
  if (field.type === 'boolean') {
    return {
      ...base,
      valueEditorType: 'radio',
      values: [
        { name: 'true', value: 'true', label: yesNo.yes },
        { name: 'false', value: 'false', label: yesNo.no },
      ],
      defaultValue: 'true',
      operators: operators(['='], labels),
    };
  }
  if (field.type === 'select' || field.type === 'multi_select' || field.type === 'tags') {
    const values = (field.options?.choices ?? []).map((c) => ({ name: c.value, value: c.value, label: localized(c.label, language) ?? c.value }));
    return {
      ...base,
      valueEditorType: (operator: string) => (operator === 'in' || operator === 'notIn' ? 'multiselect' : 'select'),
      values,
      defaultValue: values[0]?.value,
      operators: operators(field.type === 'select' ? ['=', '!=', 'in', 'notIn', 'null', 'notNull'] : ['null', 'notNull'], labels),
    };
  }
  if (field.type === 'relation' || field.type === 'user') {
    const values = (related[field.key] ?? []).map((ref) => ({ name: String(ref.id), value: String(ref.id), label: ref.title ?? `#${ref.id}` }));
    return {
      ...base,
      valueEditorType: (operator: string) => (operator === 'in' || operator === 'notIn' ? 'multiselect' : 'select'),
      values,
      defaultValue: values[0]?.value,
      operators: operators(['=', '!=', 'in', 'notIn', 'null', 'notNull'], labels),
    };
  }
  return { ...base, operators: operators(['contains', 'doesNotContain', '=', '!=', 'null', 'notNull'], labels) };
}

/** JsonLogic from the builder's output: ids and booleans typed as the server stores them. */
export function typedLogic(logic: unknown, entity: EntityDefinition): unknown {
  const types = new Map(entity.fields.map((f) => [f.key, f.type]));
  const walk = (node: unknown, type?: string): unknown => {
    if (Array.isArray(node)) {
      const variable = node.find((item) => typeof item === 'object' && item !== null && 'var' in item) as { var: string } | undefined;
      const fieldType = variable ? types.get(variable.var) : type;
      return node.map((item) => walk(item, fieldType));
    }
    if (typeof node === 'object' && node !== null) {
      if ('var' in node) return node;
      return Object.fromEntries(Object.entries(node).map(([op, arg]) => [op, walk(arg, type)]));
    }
    if (typeof node === 'string' && type === 'boolean') return node === 'true';
    if (typeof node === 'string' && (type === 'relation' || type === 'user') && /^\d+$/.test(node)) return Number(node);
    return node;
  };
  return walk(logic);
}

// Reading the rendered form's JSON Schema and uiSchema: the nullable wrappers some servers
// send are unwrapped (an empty field is absent, never null), and per-field ui options are
// looked up in one place so widgets and rules agree on a field's type.

import type { FieldUi, FieldUiOptions, JsonSchema, RenderedForm } from './types';

function isNullSchema(schema: JsonSchema): boolean {
  return schema.type === 'null';
}

/** `{"anyOf": [X, {"type": "null"}], "title"}` → X with the outer title; recursive. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  let result: JsonSchema = schema;
  const branches = schema.anyOf;
  if (Array.isArray(branches) && branches.some(isNullSchema)) {
    const rest = branches.filter((b) => !isNullSchema(b));
    if (rest.length === 1) {
      const { anyOf: _dropped, ...outer } = schema;
      void _dropped;
      result = { ...rest[0], ...outer };
    }
  }
  if (Array.isArray(result.type) && result.type.includes('null')) {
    const types = result.type.filter((t) => t !== 'null');
    result = { ...result, type: types.length === 1 ? types[0] : types };
  }
  if (result.properties) {
    result = {
      ...result,
      properties: Object.fromEntries(Object.entries(result.properties).map(([k, v]) => [k, unwrapNullable(v)])),
    };
  }
  if (result.items && !Array.isArray(result.items)) result = { ...result, items: unwrapNullable(result.items) };
  return result;
}

/** The rendered form with its schema normalized; everything else is kept as sent. */
export function normalizeRendered(rendered: RenderedForm): RenderedForm {
  return { ...rendered, schema: unwrapNullable(rendered.schema) };
}

export function propertyKeys(rendered: RenderedForm): string[] {
  const properties = Object.keys(rendered.schema.properties ?? {});
  const order = rendered.uiSchema['ui:order'];
  if (!Array.isArray(order)) return properties;
  const ordered = order.filter((k): k is string => typeof k === 'string' && properties.includes(k));
  return [...ordered, ...properties.filter((k) => !ordered.includes(k))];
}

export function fieldUi(uiSchema: Record<string, unknown> | undefined, key: string): FieldUi {
  const entry = uiSchema?.[key];
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as FieldUi) : {};
}

export function fieldOptions(ui: FieldUi): FieldUiOptions {
  return ui['ui:options'] ?? {};
}

export function fieldTypeOf(ui: FieldUi): string | undefined {
  return fieldOptions(ui).field_type;
}

/** The column keys of a sub_table field, in uiSchema `items` order (the row `id` is not a column). */
export function subTableColumns(schema: JsonSchema, ui: FieldUi): string[] {
  const properties = Object.keys(schema.items?.properties ?? {}).filter((k) => k !== 'id');
  const itemsUi = ui.items ?? {};
  const ordered = Object.keys(itemsUi).filter((k) => properties.includes(k));
  return [...ordered, ...properties.filter((k) => !ordered.includes(k))];
}

export function isSubTable(schema: JsonSchema, ui: FieldUi): boolean {
  return fieldTypeOf(ui) === 'sub_table' || (schema.type === 'array' && schema.items?.type === 'object');
}

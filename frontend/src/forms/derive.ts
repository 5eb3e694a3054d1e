// The schema and uiSchema handed to rjsf for the form's current data: invisible fields
// removed, `required` from the rule states, `ui:readonly` where the caller may not write
// or a rule says so, and every field drawn by our one widget (LoomFieldWidget).

import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { effectiveSchema, type FieldStates } from './rules';
import { fieldUi, propertyKeys } from './schema';
import type { RenderedForm } from './types';

export const LOOM_WIDGET = 'loom';

export function derivedSchema(rendered: RenderedForm, states: FieldStates): RJSFSchema {
  // Our JsonSchema is the server's JSON; rjsf types it as JSON Schema draft 7.
  return effectiveSchema(rendered, states) as unknown as RJSFSchema;
}

export function derivedUiSchema(rendered: RenderedForm, states: FieldStates): UiSchema {
  const ui: UiSchema = {};
  const keys = propertyKeys(rendered).filter((key) => states[key]?.visible !== false);
  for (const key of keys) {
    const server = fieldUi(rendered.uiSchema, key);
    const entry: UiSchema = { 'ui:widget': LOOM_WIDGET };
    if (server['ui:readonly'] === true || states[key]?.readonly) entry['ui:readonly'] = true;
    if (server['ui:placeholder']) entry['ui:placeholder'] = server['ui:placeholder'];
    ui[key] = entry;
  }
  ui['ui:order'] = [...keys, '*'];
  return ui;
}

/** The top-level property a server error path belongs to, and the path shown inline. */
export function inlinePath(rendered: RenderedForm, states: FieldStates, path: string): string | null {
  const [head, index, column, ...deeper] = path.split('.');
  const schema = rendered.schema.properties?.[head];
  if (!schema || states[head]?.visible === false) return null;
  const cell = index !== undefined && /^\d+$/.test(index) && column !== undefined && deeper.length === 0;
  if (cell && schema.items?.properties?.[column]) return path;
  return head;
}

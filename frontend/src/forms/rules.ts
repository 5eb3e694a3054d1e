// The browser half of docs/forms.md "Rule semantics", as pure functions (no React): field
// states (visible/required/readonly) from the form's rules, defaults on create, the errors
// the server would report (required, validations, JSON Schema; one per field) and the
// values to submit. `now` is passed in so tests can fix the clock.

import { holds, evaluate } from './logic';
import { fieldUi, isSubTable, propertyKeys, subTableColumns } from './schema';
import { schemaErrors, type SchemaMessage } from './schemaErrors';
import type { FieldState, FormValues, JsonSchema, RenderedForm } from './types';

export type FieldStates = Record<string, FieldState>;
export type FormErrors = Record<string, string>;

export interface ErrorMessages {
  required: string;
  invalid: string;
  /** Text of one JSON Schema error; defaults to ajv's own message. */
  schema?: (error: SchemaMessage) => string;
}

export const ENGLISH_MESSAGES: ErrorMessages = { required: 'is required', invalid: 'is invalid' };

/** Empty as the server counts it: null, undefined, "" and []. */
export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** What rules see: the form's values plus `$user` (from the rendered context) and `$now`. */
export function logicData(rendered: RenderedForm, formData: FormValues, now: string): Record<string, unknown> {
  return { ...formData, $user: rendered.context?.$user ?? null, $now: now };
}

export function fieldStates(rendered: RenderedForm, formData: FormValues, now: string): FieldStates {
  const required = new Set(rendered.schema.required ?? []);
  const states: FieldStates = {};
  for (const key of propertyKeys(rendered)) {
    states[key] = { visible: true, required: required.has(key), readonly: false };
  }
  const data = logicData(rendered, formData, now);
  for (const rule of rendered.rules ?? []) {
    const state = states[rule.field];
    if (!state) continue;
    if (rule.visible !== undefined) state.visible = holds(rule.visible, data);
    if (rule.required !== undefined) state.required = holds(rule.required, data);
    if (rule.readonly !== undefined) state.readonly = holds(rule.readonly, data);
  }
  return states;
}

/** Static, then JsonLogic defaults for the form's fields that `formData` leaves out (create only). */
export function applyDefaults(rendered: RenderedForm, formData: FormValues, now: string): FormValues {
  const properties = rendered.schema.properties ?? {};
  const result: FormValues = { ...formData };
  const absent = (key: string) => key in properties && (result[key] === undefined || result[key] === null);
  for (const [key, value] of Object.entries(rendered.defaults?.static ?? {})) {
    if (absent(key) && value !== null && value !== undefined) result[key] = structuredClone(value);
  }
  const data = logicData(rendered, result, now);
  for (const [key, rule] of Object.entries(rendered.defaults?.logic ?? {})) {
    if (!absent(key)) continue;
    try {
      const value = evaluate(rule, data);
      if (value !== null && value !== undefined) result[key] = value;
    } catch {
      // A default that cannot be evaluated leaves the field empty, as on the server.
    }
  }
  return result;
}

/** The values of the visible form fields (what is submitted); fields not on the form are dropped. */
export function visibleValues(rendered: RenderedForm, formData: FormValues, now: string): FormValues {
  const states = fieldStates(rendered, formData, now);
  const values: FormValues = {};
  for (const [key, state] of Object.entries(states)) {
    if (state.visible && formData[key] !== undefined) values[key] = formData[key];
  }
  return values;
}

/** Record data from the server without its nulls (rjsf treats an absent key as empty). */
export function stripNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => stripNulls(item) as unknown) as T;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, stripNulls(v)]);
    return Object.fromEntries(entries) as T;
  }
  return value;
}

function addError(errors: FormErrors, path: string | null | undefined, message: string): void {
  const key = path ?? '';
  if (!(key in errors)) errors[key] = message;
}

function localizedMessage(message: unknown, fallback: string): string {
  if (typeof message === 'string' && message) return message;
  if (typeof message === 'object' && message !== null) {
    const text = Object.values(message as Record<string, unknown>).find((v) => typeof v === 'string' && v);
    if (typeof text === 'string') return text;
  }
  return fallback;
}

/** Required cells of sub-table rows (`lines.0.qty`), for visible sub-tables. */
function subTableRequiredErrors(rendered: RenderedForm, states: FieldStates, formData: FormValues, messages: ErrorMessages, errors: FormErrors): void {
  for (const [key, schema] of Object.entries(rendered.schema.properties ?? {})) {
    const rows = formData[key];
    const ui = fieldUi(rendered.uiSchema, key);
    if (!states[key]?.visible || !Array.isArray(rows) || !isSubTable(schema, ui)) continue;
    const required = new Set(schema.items?.required ?? []);
    const columns = subTableColumns(schema, ui).filter((c) => required.has(c));
    rows.forEach((row: unknown, index) => {
      const cells = typeof row === 'object' && row !== null ? (row as FormValues) : {};
      for (const column of columns) {
        if (isEmpty(cells[column])) addError(errors, `${key}.${index}.${column}`, messages.required);
      }
    });
  }
}

/** Validations read the submitted (visible) values, `$user` and `$now`, as on the server. */
function validationErrors(rendered: RenderedForm, visible: FormValues, now: string, messages: ErrorMessages, errors: FormErrors): void {
  const data = logicData(rendered, visible, now);
  for (const check of rendered.validations ?? []) {
    if (!holds(check.rule, data)) addError(errors, check.field ?? null, localizedMessage(check.message, messages.invalid));
  }
}

/** The form's schema as it applies now: invisible fields removed, `required` from the states. */
export function effectiveSchema(rendered: RenderedForm, states: FieldStates): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(rendered.schema.properties ?? {}).filter(([key]) => states[key]?.visible !== false),
  );
  const required = Object.keys(properties).filter((key) => states[key]?.required);
  return { ...rendered.schema, properties, required };
}

/** Values as the schema check sees them: visible fields only, empty values (and empty cells) left out. */
function withoutEmpties(values: FormValues): FormValues {
  const result: FormValues = {};
  for (const [key, value] of Object.entries(values)) {
    if (isEmpty(value)) continue;
    result[key] = Array.isArray(value)
      ? value.map((item: unknown) =>
          typeof item === 'object' && item !== null && !Array.isArray(item) ? withoutEmpties(item as FormValues) : item,
        )
      : value;
  }
  return result;
}

/**
 * Every error the form has now, keyed by dotted path (`lines.0.qty`; `""` for a form-level
 * validation without a field): rule `required`, failed validations, then JSON Schema errors;
 * at most one per field, the first found.
 */
export function formErrors(
  rendered: RenderedForm,
  formData: FormValues,
  now: string,
  messages: ErrorMessages = ENGLISH_MESSAGES,
): FormErrors {
  const states = fieldStates(rendered, formData, now);
  const visible = visibleValues(rendered, formData, now);
  const errors: FormErrors = {};
  for (const [key, state] of Object.entries(states)) {
    if (state.visible && state.required && isEmpty(formData[key])) addError(errors, key, messages.required);
  }
  subTableRequiredErrors(rendered, states, formData, messages, errors);
  validationErrors(rendered, visible, now, messages, errors);
  for (const error of schemaErrors(effectiveSchema(rendered, states), withoutEmpties(visible))) {
    addError(errors, error.path, messages.schema ? messages.schema(error) : error.message);
  }
  return errors;
}

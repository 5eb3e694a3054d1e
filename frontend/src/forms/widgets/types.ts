// The props every Loomworks widget takes: a value, a setter and what it needs to know about
// its field. Widgets do not see rjsf; LoomFieldWidget and the sub-table adapt to this shape.

import type { ComponentType } from 'react';
import type { FormErrors } from '../rules';
import type { FieldUi, FieldUiOptions, JsonSchema, RecordRefs } from '../types';

export interface WidgetContext {
  formKey: string;
  /** `_refs` of the record being edited: titles of its related records and users. */
  refs: RecordRefs;
  /** Every error shown now, by dotted path (for sub-table cells). */
  errors: FormErrors;
}

export interface LoomWidgetProps {
  id: string;
  /** Dotted path of the value in the form data: `name`, `lines.0.qty`. */
  path: string;
  /** The field as the relation options endpoint names it: `customer`, or `lines.product` in a row. */
  fieldKey: string;
  value: unknown;
  onChange: (value: unknown) => void;
  onBlur?: () => void;
  label: string;
  required: boolean;
  readonly: boolean;
  disabled: boolean;
  placeholder?: string;
  schema: JsonSchema;
  ui: FieldUi;
  options: FieldUiOptions;
  context: WidgetContext;
  hasError: boolean;
}

export type LoomWidget = ComponentType<LoomWidgetProps>;

/** Text widgets report an emptied input as absent, never as "". */
export function textOrUndefined(value: string): string | undefined {
  return value === '' ? undefined : value;
}

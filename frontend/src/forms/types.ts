// Shapes of the rendered form the server sends (docs/forms.md, `GET /api/forms/{form}`)
// and of the submission envelope. Only what the adapter reads is typed; the rest passes.

import type { RulesLogic } from 'json-logic-js';
import type { LocalizedText } from '../i18n/localized';

export type LogicRule = RulesLogic | Record<string, unknown> | boolean | number | string | null;
export type FormValues = Record<string, unknown>;
export type { LocalizedText };

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
  readOnly?: boolean;
  [keyword: string]: unknown;
}

export interface Choice {
  value: string;
  label?: string;
  color?: string;
}

export interface FieldUiOptions {
  field_type?: string;
  choices?: Choice[];
  target?: string;
  many?: boolean;
  currency?: string;
  scale?: number;
  max?: number;
  max_files?: number;
  accept?: string | string[];
  [option: string]: unknown;
}

export interface FieldUi {
  'ui:options'?: FieldUiOptions;
  'ui:widget'?: string;
  'ui:readonly'?: boolean;
  'ui:placeholder'?: string;
  items?: Record<string, FieldUi>;
  [key: string]: unknown;
}

export interface FormRule {
  field: string;
  visible?: LogicRule;
  required?: LogicRule;
  readonly?: LogicRule;
}

export interface FormValidation {
  field?: string | null;
  rule: LogicRule;
  message?: LocalizedText | null;
}

export interface LayoutSection {
  key?: string;
  title?: string | null;
  label?: LocalizedText | null;
  columns?: number;
  fields?: string[];
}

export interface LayoutTab {
  key?: string;
  title?: string | null;
  label?: LocalizedText | null;
  sections?: LayoutSection[];
  /** Older servers put fields straight on a tab: treated as one section. */
  fields?: string[];
}

export interface FormLayout {
  tabs?: LayoutTab[];
  sections?: LayoutSection[];
}

export interface FormDefaults {
  static?: FormValues;
  logic?: Record<string, LogicRule>;
}

export interface RenderedForm {
  key: string;
  entity?: string;
  title?: string;
  public?: boolean;
  schema: JsonSchema;
  uiSchema: Record<string, unknown>;
  rules?: FormRule[];
  validations?: FormValidation[];
  defaults?: FormDefaults;
  layout?: FormLayout | null;
  context?: { $user?: Record<string, unknown> | null; [key: string]: unknown };
  /** Present on `/records/{id}`: the stored record, with `id`, `_version` and `_refs`. */
  formData?: FormValues;
}

export interface FieldState {
  visible: boolean;
  required: boolean;
  readonly: boolean;
}

export interface SubmitEnvelope {
  id?: number;
  _version?: number;
  values: FormValues;
  _hp?: string;
}

/** `{id, title}` of a related record or user, as `_refs` carries it. */
export interface RefTitle {
  id: number | string;
  title: string | null;
}

export type RecordRefs = Record<string, RefTitle | RefTitle[]>;

// A 422's details (`{field, message}`, field a dotted path like `lines.0.qty`) split into
// errors shown inline under their field and errors shown above the form (no field, or a
// field that is not on the form), and the flat map turned into rjsf's nested ErrorSchema.

import type { ErrorSchema } from '@rjsf/utils';
import type { ApiErrorDetail } from '../api/errors';
import type { FormErrors } from './rules';

export interface SplitErrors {
  fieldErrors: FormErrors;
  general: string[];
}

/** `onForm(path)` says whether a dotted path names a field shown on the form. */
export function splitServerErrors(details: ApiErrorDetail[], onForm: (path: string) => boolean): SplitErrors {
  const fieldErrors: FormErrors = {};
  const general: string[] = [];
  for (const detail of details) {
    if (detail.field && onForm(detail.field)) {
      if (!(detail.field in fieldErrors)) fieldErrors[detail.field] = detail.message;
    } else {
      general.push(detail.field ? `${detail.field}: ${detail.message}` : detail.message);
    }
  }
  return { fieldErrors, general };
}

/** `{"lines.0.qty": "m"}` → `{lines: {0: {qty: {__errors: ["m"]}}}}`; the form-level `""` key is skipped. */
export function toErrorSchema(errors: FormErrors): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (!path) continue;
    let node = root;
    for (const part of path.split('.')) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    const existing = Array.isArray(node.__errors) ? (node.__errors as string[]) : [];
    node.__errors = [...existing, message];
  }
  return root as ErrorSchema;
}

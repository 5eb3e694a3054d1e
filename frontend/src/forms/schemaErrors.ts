// JSON Schema errors of form values (step 4 of the rule semantics), from the same ajv8
// instance rjsf uses, keyed by dotted path (`lines.0.qty`). Compiled validators are
// cached by schema text, since the effective schema is rebuilt on every change.

import validator from '@rjsf/validator-ajv8';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FormValues, JsonSchema } from './types';

export interface SchemaMessage {
  path: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

const CACHE_LIMIT = 64;
const compiled = new Map<string, ValidateFunction | null>();

function compile(schema: JsonSchema): ValidateFunction | null {
  const key = JSON.stringify(schema);
  if (compiled.has(key)) return compiled.get(key) ?? null;
  let validate: ValidateFunction | null;
  try {
    validate = validator.ajv.compile(schema);
  } catch {
    validate = null; // a pattern this browser cannot compile: the server still checks it
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, validate);
  return validate;
}

/** `/lines/0/qty` → `lines.0.qty` (JSON Pointer escapes undone). */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function errorPath(error: ErrorObject): string {
  const base = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const child = error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  if (typeof child === 'string') return base ? `${base}.${child}` : child;
  return base;
}

/** Every schema error of `values`, in ajv's order (callers keep the first per path). */
export function schemaErrors(schema: JsonSchema, values: FormValues): SchemaMessage[] {
  const validate = compile(schema);
  if (!validate || validate(values)) return [];
  return (validate.errors ?? [])
    .filter((error) => !['anyOf', 'oneOf', 'if'].includes(error.keyword))
    .map((error) => ({
      path: errorPath(error),
      keyword: error.keyword,
      params: error.params as Record<string, unknown>,
      message: error.message ?? 'is invalid',
    }));
}

// Prefill from the URL: `?values=<URL-encoded JSON object>`; only keys that are fields of
// the form are kept, and anything unreadable is ignored.

import type { FormValues, RenderedForm } from '../../forms/types';

export function prefillFromQuery(raw: string | null, rendered: RenderedForm): FormValues {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const properties = rendered.schema.properties ?? {};
  return Object.fromEntries(Object.entries(parsed as FormValues).filter(([key]) => Object.hasOwn(properties, key)));
}

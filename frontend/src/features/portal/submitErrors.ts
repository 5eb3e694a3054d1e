// Server field errors (422 details) turned into antd Form field errors; other errors as one message.

import type { FormInstance } from 'antd';
import { isApiError } from '../../api/errors';

export function applyServerErrors(form: FormInstance, error: unknown, fields: readonly string[]): string | null {
  if (!isApiError(error)) return String(error);
  const onForm = error.details.filter((d) => d.field && fields.includes(d.field));
  form.setFields(onForm.map((d) => ({ name: d.field as string, errors: [d.message] })));
  const rest = error.details.filter((d) => !d.field || !fields.includes(d.field));
  if (onForm.length > 0 && rest.length === 0) return null;
  return [error.message, ...rest.map((d) => `${d.field ?? ''}: ${d.message}`)].join(' — ');
}

// Values of a transition's small form between the antd inputs and the API: dates are
// dayjs in the inputs and `YYYY-MM-DD` (or ISO datetimes) on the wire; numbers stay
// numbers; empty inputs are left out so a required field is reported by the server.

import dayjs, { type Dayjs } from 'dayjs';
import type { FieldDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';

export const DATE_TYPES = new Set(['date']);
export const DATETIME_TYPES = new Set(['datetime']);
export const NUMBER_TYPES = new Set(['number', 'integer', 'currency', 'percent', 'decimal', 'duration', 'rating']);

/** Input values to start the modal with: the record's current values, dates as dayjs. */
export function initialInputs(fields: FieldDefinition[], record: RecordData): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const value = record[field.key];
    if (value === null || value === undefined) continue;
    if ((DATE_TYPES.has(field.type) || DATETIME_TYPES.has(field.type)) && typeof value === 'string') {
      const parsed = dayjs(value);
      if (parsed.isValid()) values[field.key] = parsed;
    } else {
      values[field.key] = value;
    }
  }
  return values;
}

function isDayjs(value: unknown): value is Dayjs {
  return dayjs.isDayjs(value);
}

/** The `fields` object of a transition's submit from the inputs. */
export function transitionFields(fields: FieldDefinition[], inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = inputs[field.key];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (DATE_TYPES.has(field.type)) {
      out[field.key] = isDayjs(value) ? value.format('YYYY-MM-DD') : String(value);
    } else if (DATETIME_TYPES.has(field.type)) {
      out[field.key] = isDayjs(value) ? value.toISOString() : String(value);
    } else if (NUMBER_TYPES.has(field.type)) {
      const number = typeof value === 'number' ? value : Number(value);
      out[field.key] = Number.isFinite(number) ? number : value;
    } else {
      out[field.key] = value;
    }
  }
  return out;
}

/** A 422's details by field key (`fields.amount` or `amount`), plus the rest as text. */
export function splitTransitionErrors(
  details: { field: string | null; message: string }[],
  fieldKeys: string[],
): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const detail of details) {
    const path = (detail.field ?? '').replace(/^fields\./, '').split('.')[0];
    if (path && (fieldKeys.includes(path) || path === 'comment')) {
      byField[path] = byField[path] ?? detail.message;
    } else {
      general.push(detail.field ? `${detail.field}: ${detail.message}` : detail.message);
    }
  }
  return { byField, general };
}

// Field values as text, per field type: the one formatting lists, cards, calendars, exports
// previews and history lines share (so a currency reads the same everywhere).

import dayjs from 'dayjs';
import type { FieldDefinition } from '../api/meta';
import type { RecordData, RecordRef } from '../api/records';
import { localized } from '../i18n/localized';

export const EMPTY = '—';

export function choiceLabel(field: FieldDefinition, value: unknown, language: string): string {
  const choice = field.options?.choices?.find((c) => c.value === value);
  return choice ? (localized(choice.label, language) ?? String(value)) : String(value);
}

export function choiceColor(field: FieldDefinition, value: unknown): string | undefined {
  return field.options?.choices?.find((c) => c.value === value)?.color;
}

function locale(language: string): string {
  return language === 'zh-CN' ? 'zh-CN' : 'en-US';
}

export function formatNumber(field: FieldDefinition, value: number, language: string): string {
  const scale = typeof field.options?.scale === 'number' ? field.options.scale : undefined;
  switch (field.type) {
    case 'currency':
      return new Intl.NumberFormat(locale(language), {
        style: 'currency',
        currency: String(field.options?.currency ?? 'CNY'),
        maximumFractionDigits: scale ?? 2,
      }).format(value);
    case 'percent':
      return `${new Intl.NumberFormat(locale(language), { maximumFractionDigits: scale ?? 1 }).format(value)}%`;
    default:
      return new Intl.NumberFormat(locale(language), { maximumFractionDigits: scale ?? 4 }).format(value);
  }
}

export function formatDuration(field: FieldDefinition, value: number): string {
  const unit = String(field.options?.unit ?? 'minutes');
  const seconds = value * ({ seconds: 1, minutes: 60, hours: 3600, days: 86400 }[unit] ?? 60);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return hours ? `${hours}h ${minutes ? `${minutes}m` : ''}`.trim() : `${minutes}m`;
}

/** Titles of a relation or user value, from the record's `_refs`. */
export function refsOf(record: RecordData, key: string): RecordRef[] {
  const refs = record._refs?.[key];
  if (!refs) return [];
  return Array.isArray(refs) ? refs : [refs];
}

/** A value as plain text (tooltips, cards, calendar titles, exports previews). */
export function formatValue(field: FieldDefinition, record: RecordData, language: string): string {
  const value = record[field.key];
  if (value === null || value === undefined || value === '') return EMPTY;
  switch (field.type) {
    case 'select':
      return choiceLabel(field, value, language);
    case 'multi_select':
    case 'tags':
      return Array.isArray(value) ? value.map((v) => choiceLabel(field, v, language)).join(', ') : String(value);
    case 'boolean':
      return value ? '✓' : '✗';
    case 'relation':
    case 'user':
    case 'created_by':
    case 'updated_by': {
      const refs = refsOf(record, field.key);
      if (refs.length) return refs.map((r) => r.title ?? `#${r.id}`).join(', ');
      return Array.isArray(value) ? value.map((v) => `#${String(v)}`).join(', ') : `#${String(value)}`;
    }
    case 'date':
      return dayjs(String(value)).format(language === 'zh-CN' ? 'YYYY年M月D日' : 'MMM D, YYYY');
    case 'datetime':
    case 'created_at':
    case 'updated_at':
      return dayjs(String(value)).format(language === 'zh-CN' ? 'YYYY-MM-DD HH:mm' : 'MMM D, YYYY HH:mm');
    case 'duration':
      return typeof value === 'number' ? formatDuration(field, value) : String(value);
    case 'attachment':
      return Array.isArray(value) ? value.map((f) => (f as { name?: string }).name ?? '').join(', ') : EMPTY;
    case 'sub_table':
      return Array.isArray(value) ? String(value.length) : EMPTY;
    case 'rich_text':
      return String(value).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    default:
      return typeof value === 'number' ? formatNumber(field, value, language) : String(value);
  }
}

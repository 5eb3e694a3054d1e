// The import wizard's column logic: reading a CSV's header row in the browser, matching
// headers to fields by key or label in either language (case and spacing ignored, as the
// server does), and the multipart form of an import or its dry run.

import type { FieldDefinition } from '../../api/meta';

export type ColumnMapping = Record<string, string | null>;

function normal(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_]+/g, '');
}

/** The first line of a CSV split into headers (quotes honoured; , ; tab | sniffed). */
export function csvHeaders(text: string): string[] {
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const separator = [',', ';', '\t', '|'].reduce((best, sep) => (line.split(sep).length > line.split(best).length ? sep : best), ',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells.filter((c) => c !== '');
}

/** Each header's field (by key or label in any language), else null (skipped). */
export function autoMatch(headers: string[], fields: FieldDefinition[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const header of headers) {
    const wanted = normal(header);
    const field = fields.find((f) => normal(f.key) === wanted || Object.values(f.label ?? {}).some((label) => typeof label === 'string' && normal(label) === wanted));
    mapping[header] = field ? field.key : null;
  }
  return mapping;
}

export interface ImportChoices {
  mapping: ColumnMapping;
  /** Per select field: cell text → choice value. */
  values: Record<string, Record<string, string>>;
  mode: 'insert' | 'upsert';
  keyField?: string;
  dryRun: boolean;
}

export function importForm(file: File, choices: ImportChoices | null): FormData {
  const form = new FormData();
  form.append('file', file);
  if (!choices) {
    form.append('options', JSON.stringify({ dry_run: true }));
    return form;
  }
  form.append('mapping', JSON.stringify(choices.mapping));
  form.append('mode', choices.mode);
  if (choices.mode === 'upsert' && choices.keyField) form.append('key_field', choices.keyField);
  const values = Object.fromEntries(Object.entries(choices.values).filter(([, v]) => Object.keys(v).length));
  form.append('options', JSON.stringify({ dry_run: choices.dryRun, ...(Object.keys(values).length ? { values } : {}) }));
  return form;
}

// The import wizard's header reading, column matching and form building.

import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../api/meta';
import { autoMatch, csvHeaders, importForm } from './importMapping';

const fields: FieldDefinition[] = [
  { key: 'name', type: 'text', label: { en: 'Deal name', 'zh-CN': '商机名称' } },
  { key: 'amount', type: 'currency', label: { en: 'Amount', 'zh-CN': '金额' } },
  { key: 'close_date', type: 'date', label: { en: 'Close date' } },
];

describe('csvHeaders', () => {
  it('reads the first non-empty line with quotes, a BOM and a sniffed separator', () => {
    expect(csvHeaders('\uFEFF\n"Deal name","A ""b""",amount\n1,2,3')).toEqual(['Deal name', 'A "b"', 'amount']);
    expect(csvHeaders('name;金额\nx;1')).toEqual(['name', '金额']);
  });
});

describe('autoMatch', () => {
  it('matches keys and labels in either language, ignoring case and spacing', () => {
    expect(autoMatch(['DEAL NAME', '金额', 'close_date', 'Notes'], fields)).toEqual({ 'DEAL NAME': 'name', 金额: 'amount', close_date: 'close_date', Notes: null });
  });
});

describe('importForm', () => {
  it('sends mapping, mode, key and dry_run with value maps', () => {
    const file = new File(['a'], 'x.csv');
    const form = importForm(file, { mapping: { A: 'name' }, values: { stage: { Won: 'won' }, empty: {} }, mode: 'upsert', keyField: 'name', dryRun: true });
    expect(form.get('mapping')).toBe('{"A":"name"}');
    expect(form.get('mode')).toBe('upsert');
    expect(form.get('key_field')).toBe('name');
    expect(JSON.parse(String(form.get('options')))).toEqual({ dry_run: true, values: { stage: { Won: 'won' } } });
    expect(JSON.parse(String(importForm(file, null).get('options')))).toEqual({ dry_run: true });
  });
});

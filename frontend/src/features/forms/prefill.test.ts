import { describe, expect, it } from 'vitest';
import { dealForm } from '../../../test/fixtures';
import { safeNext } from '../auth/LoginPage';
import { prefillFromQuery } from './prefill';

describe('prefillFromQuery', () => {
  it('keeps only keys that are fields of the form', () => {
    expect(prefillFromQuery(JSON.stringify({ name: 'A', ghost: 1, stage: 'won' }), dealForm())).toEqual({ name: 'A', stage: 'won' });
  });

  it('ignores missing or unreadable values', () => {
    expect(prefillFromQuery(null, dealForm())).toEqual({});
    expect(prefillFromQuery('{nope', dealForm())).toEqual({});
    expect(prefillFromQuery('[1]', dealForm())).toEqual({});
  });
});

describe('safeNext', () => {
  it('follows only same-site paths', () => {
    expect(safeNext('/forms/deal')).toBe('/forms/deal');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});

import { describe, expect, it } from 'vitest';
import { evaluate } from '../logic';

// The same answers as platform/loomworks/logic/dates.py (tests/logic/test_dates.py).
const CASES: [unknown[], string | null][] = [
  [['2026-01-25', 14, 'days'], '2026-02-08'],
  [['2026-01-31', 1, 'months'], '2026-02-28'],
  [['2024-02-29', 12, 'months'], '2025-02-28'],
  [['2026-03-01', -1, 'weeks'], '2026-02-22'],
  [['2026-01-31T09:00:00+08:00', -3, 'hours'], '2026-01-31T06:00:00+08:00'],
  [['2026-01-31T23:30:00Z', 45, 'minutes'], '2026-02-01T00:15:00+00:00'],
  [['2026-01-31', 2, 'hours'], '2026-01-31T02:00:00+00:00'],
  [[null, 3, 'days'], null],
];

describe('date_add', () => {
  it.each(CASES)('%j → %s', (args, expected) => {
    expect(evaluate({ date_add: args } as never, {})).toBe(expected);
  });

  it('reads record fields', () => {
    expect(evaluate({ date_add: [{ var: 'start' }, 30, 'days'] } as never, { start: '2026-12-02' })).toBe('2027-01-01');
  });

  it('refuses a unit it does not know', () => {
    expect(() => evaluate({ date_add: ['2026-01-01', 1, 'years'] } as never, {})).toThrow();
  });
});

// The same answers as tests/logic/test_dates.py (DIFF_CASES, TO_DATE_CASES).
const DIFF_CASES: [unknown[], number | null][] = [
  [['2026-03-31', '2026-03-01', 'days'], 30],
  [['2026-03-01', '2026-03-31', 'days'], -30],
  [['2026-03-02T08:00:00+08:00', '2026-03-01', 'hours'], 24],
  [['2026-03-15', '2026-03-01', 'weeks'], 2],
  [['2026-03-01T00:10:00Z', '2026-03-01T00:00:59Z', 'minutes'], 9],
  [[null, '2026-03-01', 'days'], null],
];
const TO_DATE_CASES: [unknown[], string | null][] = [
  [['2026-03-01T20:30:00+00:00', '+08:00'], '2026-03-02'],
  [['2026-03-01T20:30:00+00:00'], '2026-03-01'],
  [['2026-03-02T01:00:00+08:00', '+00:00'], '2026-03-01'],
  [['2026-03-02'], '2026-03-02'],
  [[null], null],
];

describe('date_diff and to_date', () => {
  it.each(DIFF_CASES)('date_diff %j', (args, expected) => {
    expect(evaluate({ date_diff: args } as never, {})).toBe(expected);
  });
  it.each(TO_DATE_CASES)('to_date %j', (args, expected) => {
    expect(evaluate({ to_date: args } as never, {})).toBe(expected);
  });
  it('refuses what it cannot compute', () => {
    expect(() => evaluate({ date_diff: ['2026-01-01', '2026-01-02', 'months'] } as never, {})).toThrow();
    expect(() => evaluate({ to_date: ['2026-01-01T00:00:00Z', '8'] } as never, {})).toThrow();
  });
});

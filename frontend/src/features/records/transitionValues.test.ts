import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../api/meta';
import { initialInputs, splitTransitionErrors, transitionFields } from './transitionValues';

const FIELDS: FieldDefinition[] = [
  { key: 'amount', type: 'currency', label: 'Amount' },
  { key: 'expected_close', type: 'date', label: 'Expected close' },
  { key: 'met_at', type: 'datetime', label: 'Met at' },
  { key: 'lost_reason', type: 'select', label: 'Reason' },
  { key: 'note', type: 'text', label: 'Note' },
];

describe('transition values', () => {
  it('round-trips a record date through the date input as YYYY-MM-DD', () => {
    const inputs = initialInputs(FIELDS, { id: 1, _version: 1, amount: 5000, expected_close: '2027-02-26' });
    expect(dayjs.isDayjs(inputs.expected_close)).toBe(true);
    expect(transitionFields(FIELDS, inputs)).toEqual({ amount: 5000, expected_close: '2027-02-26' });
  });

  it('sends numbers as numbers, datetimes as ISO, and leaves empty inputs out', () => {
    const at = dayjs('2027-01-02T03:04:05Z');
    expect(transitionFields(FIELDS, { amount: '125000', met_at: at, lost_reason: 'price', note: '', expected_close: null })).toEqual({
      amount: 125000,
      met_at: '2027-01-02T03:04:05.000Z',
      lost_reason: 'price',
    });
  });

  it('maps a 422 to the modal fields and keeps the rest', () => {
    expect(
      splitTransitionErrors(
        [
          { field: 'fields.amount', message: 'must be more than 0' },
          { field: 'comment', message: 'is required' },
          { field: 'stage', message: 'is locked' },
          { field: null, message: 'guard not met' },
        ],
        ['amount'],
      ),
    ).toEqual({ byField: { amount: 'must be more than 0', comment: 'is required' }, general: ['stage: is locked', 'guard not met'] });
  });
});

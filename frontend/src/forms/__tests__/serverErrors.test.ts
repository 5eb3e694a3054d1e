import { describe, expect, it } from 'vitest';
import { dealForm } from '../../../test/fixtures';
import { inlinePath } from '../derive';
import { fieldStates } from '../rules';
import { splitServerErrors, toErrorSchema } from '../serverErrors';

describe('server error mapping', () => {
  const form = dealForm();
  const states = fieldStates(form, { stage: 'new' }, '2026-01-01T00:00:00Z');
  const onForm = (path: string) => inlinePath(form, states, path) !== null;

  it('keeps fields on the form inline and the rest for the alert', () => {
    const split = splitServerErrors(
      [
        { field: 'name', message: 'is required' },
        { field: 'name', message: 'second' },
        { field: 'lines.0.qty', message: 'must be positive' },
        { field: 'ghost', message: 'unknown field' },
        { field: 'lost_reason', message: 'hidden now' },
        { field: null, message: 'the form has errors' },
      ],
      onForm,
    );
    expect(split.fieldErrors).toEqual({ name: 'is required', 'lines.0.qty': 'must be positive' });
    expect(split.general).toEqual(['ghost: unknown field', 'lost_reason: hidden now', 'the form has errors']);
  });

  it('maps cell paths to cells and other deep paths to their field', () => {
    expect(inlinePath(form, states, 'lines.0.qty')).toBe('lines.0.qty');
    expect(inlinePath(form, states, 'lines.0')).toBe('lines');
    expect(inlinePath(form, states, 'name.extra')).toBe('name');
    expect(inlinePath(form, states, 'nope')).toBeNull();
  });

  it('builds the nested rjsf error schema', () => {
    expect(toErrorSchema({ name: 'a', 'lines.0.qty': 'b', '': 'form' })).toEqual({
      name: { __errors: ['a'] },
      lines: { 0: { qty: { __errors: ['b'] } } },
    });
  });
});

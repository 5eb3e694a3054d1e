// JsonLogic evaluation for form rules with the server's semantics (json-logic-js values):
// a rule that cannot be evaluated does not hold. The server refuses a numeric comparison
// whose operand is not a number (a date compared with nothing); the ordering operators
// below do the same by throwing, where plain json-logic-js would quietly compare NaN.

import jsonLogic from 'json-logic-js';
import type { RulesLogic } from 'json-logic-js';
import { dateAdd, dateDiff, toDate } from './dates';
import type { LogicRule } from './types';

class NotANumber extends Error {}

function comparable(a: unknown, b: unknown): [number | string, number | string] {
  if (typeof a === 'string' && typeof b === 'string') return [a, b];
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y) || Array.isArray(a) || Array.isArray(b)) throw new NotANumber();
  return [x, y];
}

function ordering(test: (a: number | string, b: number | string) => boolean) {
  return (a: unknown, b: unknown, c?: unknown): boolean => {
    const [x, y] = comparable(a, b);
    if (c === undefined) return test(x, y);
    const [y2, z] = comparable(b, c);
    return test(x, y) && test(y2, z);
  };
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  jsonLogic.add_operation('<', ordering((a, b) => a < b));
  jsonLogic.add_operation('<=', ordering((a, b) => a <= b));
  jsonLogic.add_operation('>', (a: unknown, b: unknown) => ordering((x, y) => x > y)(a, b));
  jsonLogic.add_operation('>=', (a: unknown, b: unknown) => ordering((x, y) => x >= y)(a, b));
  jsonLogic.add_operation('date_add', dateAdd);
  jsonLogic.add_operation('date_diff', dateDiff);
  jsonLogic.add_operation('to_date', toDate);
}

/** The value of `rule` over `data`; throws when the rule cannot be evaluated. */
export function evaluate(rule: LogicRule, data: Record<string, unknown>): unknown {
  install();
  return jsonLogic.apply(rule as RulesLogic, data);
}

/** JsonLogic truthiness (json-logic-js: an empty array is false). */
export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}

/** Whether `rule` holds over `data`; an error while evaluating means it does not. */
export function holds(rule: LogicRule, data: Record<string, unknown>): boolean {
  try {
    return truthy(evaluate(rule, data));
  } catch {
    return false;
  }
}

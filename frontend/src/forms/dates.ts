// `date_add`, the JsonLogic operator the server adds for date arithmetic
// (platform/loomworks/logic/dates.py): [date or date-time, whole amount, unit] → the same form
// moved by minutes, hours, days, weeks or months; null stays null. Offsets are kept as given,
// so the browser answers with exactly the string the server would.

const UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
type Unit = (typeof UNITS)[number];
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function moved(base: Date, amount: number, unit: Unit): Date {
  const d = new Date(base.getTime());
  if (unit === 'months') {
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + amount);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
    return d;
  }
  const seconds = { minutes: 60, hours: 3600, days: 86400, weeks: 604800 }[unit];
  return new Date(d.getTime() + amount * seconds * 1000);
}

export function dateAdd(value: unknown, amount: unknown, unit: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof amount !== 'number' || !Number.isInteger(amount)) throw new Error('date_add: whole amount');
  if (!UNITS.includes(unit as Unit)) throw new Error('date_add: unit');
  if (typeof value !== 'string') throw new Error('date_add: not a date');
  const u = unit as Unit;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date && u !== 'minutes' && u !== 'hours') {
    const d = moved(new Date(Date.UTC(+date[1], +date[2] - 1, +date[3])), amount, u);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  }
  const parts = date ? null : DATE_TIME.exec(value);
  if (!date && !parts) throw new Error('date_add: not an ISO date or date-time');
  const [y, mo, d, h, mi, s] = date
    ? [date[1], date[2], date[3], '0', '0', '0'].map(Number)
    : [1, 2, 3, 4, 5, 6].map((i) => Number(parts?.[i] ?? 0));
  const frac = parts?.[7];
  const zone = date ? 'Z' : parts?.[8];
  // Wall-clock arithmetic in the value's own offset, as Python's aware datetimes do.
  const r = moved(new Date(Date.UTC(y, mo - 1, d, h, mi, s)), amount, u);
  const micro = frac && Number(frac) !== 0 ? `.${frac.padEnd(6, '0')}` : '';
  const suffix = zone === undefined ? '' : zone === 'Z' ? '+00:00' : zone;
  return (
    `${pad(r.getUTCFullYear(), 4)}-${pad(r.getUTCMonth() + 1)}-${pad(r.getUTCDate())}` +
    `T${pad(r.getUTCHours())}:${pad(r.getUTCMinutes())}:${pad(r.getUTCSeconds())}${micro}${suffix}`
  );
}

// `date_diff` and `to_date` (the same module on the server): whole units from the second value to
// the first (truncated toward zero; a date is its midnight UTC), and the calendar date of a
// date-time in a UTC offset such as +08:00 (default: the value's own offset).

const DIFF_SECONDS: Record<string, number> = { minutes: 60, hours: 3600, days: 86400, weeks: 604800 };
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

function instant(value: unknown): { ms: number; offsetMinutes: number } {
  if (typeof value !== 'string') throw new Error('date: not a date');
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) return { ms: Date.UTC(+date[1], +date[2] - 1, +date[3]), offsetMinutes: 0 };
  const parts = DATE_TIME.exec(value);
  if (!parts) throw new Error('date: not an ISO date or date-time');
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(parts[i] ?? 0));
  const fraction = parts[7] ? Number(`0.${parts[7]}`) * 1000 : 0;
  const zone = parts[8];
  const offsetMinutes = !zone || zone === 'Z' ? 0 : offsetOf(zone);
  return { ms: Date.UTC(y, mo - 1, d, h, mi, s) + fraction - offsetMinutes * 60000, offsetMinutes };
}

function offsetOf(text: string): number {
  const m = OFFSET.exec(text);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new Error('to_date: offset like +08:00');
  return (m[1] === '+' ? 1 : -1) * (Number(m[2]) * 60 + Number(m[3]));
}

export function dateDiff(later: unknown, earlier: unknown, unit: unknown): number | null {
  if (typeof unit !== 'string' || !(unit in DIFF_SECONDS)) throw new Error('date_diff: unit');
  if (later === null || later === undefined || earlier === null || earlier === undefined) return null;
  return Math.trunc((instant(later).ms - instant(earlier).ms) / 1000 / DIFF_SECONDS[unit]);
}

export function toDate(value: unknown, offset?: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const { ms, offsetMinutes } = instant(value);
  const shift = offset === undefined ? offsetMinutes : offsetOf(String(offset));
  const local = new Date(ms + shift * 60000);
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

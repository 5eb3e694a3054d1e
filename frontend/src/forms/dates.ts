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

// From a figure to the records behind it: the JsonLogic a drill-down list is filtered by,
// matching how the server buckets groups (select/relation equality; date buckets day
// `2026-03-01`, week `2026-W09`, month `2026-03`, quarter `2026-Q1`, year `2026` → a range).

import dayjs from 'dayjs';
import type { DashboardWidget, JsonLogic, WidgetGroup } from './dashboardApi';

function iso(date: dayjs.Dayjs): string {
  return date.format('YYYY-MM-DD');
}

/** The [start, end) dates of a date bucket label, or null if the label is not one. */
export function bucketRange(bucket: string, label: string): [string, string] | null {
  let start: dayjs.Dayjs;
  let end: dayjs.Dayjs;
  if (bucket === 'year' && /^\d{4}$/.test(label)) {
    start = dayjs(`${label}-01-01`);
    end = start.add(1, 'year');
  } else if (bucket === 'quarter' && /^\d{4}-Q[1-4]$/.test(label)) {
    const quarter = Number(label.slice(6));
    start = dayjs(`${label.slice(0, 4)}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`);
    end = start.add(3, 'month');
  } else if (bucket === 'month' && /^\d{4}-\d{2}$/.test(label)) {
    start = dayjs(`${label}-01`);
    end = start.add(1, 'month');
  } else if (bucket === 'week' && /^\d{4}-W\d{2}$/.test(label)) {
    // ISO week 1 holds January 4th; weeks start on Monday.
    const jan4 = dayjs(`${label.slice(0, 4)}-01-04`);
    const monday = jan4.subtract((jan4.day() + 6) % 7, 'day');
    start = monday.add((Number(label.slice(6)) - 1) * 7, 'day');
    end = start.add(7, 'day');
  } else if (bucket === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(label)) {
    start = dayjs(label);
    end = start.add(1, 'day');
  } else {
    return null;
  }
  return [iso(start), iso(end)];
}

/** The condition one grouping's value stands for. */
export function groupCondition(groupBy: string, value: unknown): JsonLogic {
  const [field, bucket] = groupBy.split(':');
  const variable = { var: field };
  if (value === null || value === undefined) return { '==': [variable, null] };
  const range = typeof value === 'string' && bucket ? bucketRange(bucket, value) : null;
  if (range) return { and: [{ '>=': [variable, range[0]] }, { '<': [variable, range[1]] }] };
  return { '==': [variable, value] };
}

/** Conditions ANDed, leaving out the always-true ones. */
export function allOf(parts: JsonLogic[]): JsonLogic {
  const kept = parts.filter((p) => p !== undefined && p !== null && p !== true);
  if (kept.length === 0) return true;
  return kept.length === 1 ? kept[0] : { and: kept };
}

/** The list filter of a widget's records (one group's if given), with the dashboard's filter for its entity. */
export function drillWhere(widget: DashboardWidget, group: WidgetGroup | null, filter: JsonLogic | undefined): JsonLogic {
  const parts: JsonLogic[] = [widget.where, filter];
  if (group) for (const item of widget.group_by ?? []) parts.push(groupCondition(item, group.key[item.split(':')[0]]));
  return allOf(parts);
}

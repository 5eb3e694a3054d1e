// A widget's figures as people read them: group labels localized (choice labels, record and
// user titles, date buckets as given) and numbers formatted per the metric's field (currency,
// percent) or as a share when the widget is a ratio; and the echarts option of a chart widget.

import type { EntityDefinition, FieldDefinition } from '../../api/meta';
import { fieldOf } from '../../api/meta';
import { choiceColor, choiceLabel, EMPTY, formatNumber } from '../../fields/format';
import type { DashboardWidget, WidgetGroup } from './dashboardApi';

export interface LabelTexts {
  empty: string;
}

function groupPart(definition: EntityDefinition | undefined, group: WidgetGroup, item: string, texts: LabelTexts, language: string): string {
  const field = item.split(':')[0];
  const value = group.key[field];
  if (value === null || value === undefined || value === '') return texts.empty;
  const title = group.titles?.[field];
  if (title) return title;
  const spec = definition ? fieldOf(definition, field) : undefined;
  if (spec && spec.type === 'select') return choiceLabel(spec, value, language);
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return String(value);
}

export function groupLabel(
  widget: DashboardWidget,
  group: WidgetGroup,
  definition: EntityDefinition | undefined,
  texts: LabelTexts,
  language: string,
): string {
  return (widget.group_by ?? []).map((item) => groupPart(definition, group, item, texts, language)).join(' / ');
}

/** The color a group's first select choice asks for, if any. */
export function groupColor(widget: DashboardWidget, group: WidgetGroup, definition: EntityDefinition | undefined): string | undefined {
  const first = widget.group_by?.[0]?.split(':')[0];
  const spec = first && definition ? fieldOf(definition, first) : undefined;
  return spec?.type === 'select' ? choiceColor(spec, group.key[first!]) : undefined;
}

function metricField(widget: DashboardWidget, definition: EntityDefinition | undefined): FieldDefinition | undefined {
  const metric = widget.metric ?? 'count';
  if (metric === 'count' || !definition) return undefined;
  return fieldOf(definition, metric.split(':')[1]);
}

export function formatFigure(widget: DashboardWidget, value: number | null | undefined, definition: EntityDefinition | undefined, language: string): string {
  if (value === null || value === undefined) return EMPTY;
  const numbers = language === 'zh-CN' ? 'zh-CN' : 'en-US';
  if (widget.ratio_of !== undefined) {
    return new Intl.NumberFormat(numbers, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  }
  const field = metricField(widget, definition);
  if (field) return formatNumber(field, value, language);
  return new Intl.NumberFormat(numbers, { maximumFractionDigits: 2 }).format(value);
}

export interface ChartRow {
  label: string;
  value: number;
  text: string;
  color?: string;
}

export function chartRows(
  widget: DashboardWidget,
  definition: EntityDefinition | undefined,
  texts: LabelTexts,
  language: string,
): ChartRow[] {
  return (widget.groups ?? []).map((group) => ({
    label: groupLabel(widget, group, definition, texts, language),
    value: group.value ?? 0,
    text: formatFigure(widget, group.value, definition, language),
    color: groupColor(widget, group, definition),
  }));
}

/** The echarts option of a bar, line or pie widget (no title: the card has it); a ratio's axis
 * reads in percent like its figures. */
export function chartOption(
  chart: DashboardWidget['chart'],
  rows: ChartRow[],
  seriesName: string,
  percent = false,
): Record<string, unknown> {
  const texts = rows.map((r) => r.text);
  const tooltipFormatter = (params: { dataIndex: number; name: string }) => `${params.name}: ${texts[params.dataIndex]}`;
  if (chart === 'pie') {
    return {
      tooltip: { trigger: 'item', formatter: tooltipFormatter },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          name: seriesName,
          radius: ['35%', '65%'],
          data: rows.map((r) => ({ name: r.label, value: r.value, ...(r.color ? { itemStyle: { color: r.color } } : {}) })),
        },
      ],
    };
  }
  return {
    tooltip: { trigger: 'axis', formatter: (items: { dataIndex: number; name: string }[]) => tooltipFormatter(items[0]) },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', ...(percent ? { max: 1, axisLabel: { formatter: (value: number) => `${Math.round(value * 100)}%` } } : {}) },
    series: [
      {
        type: chart === 'line' ? 'line' : 'bar',
        name: seriesName,
        data: rows.map((r) => ({ value: r.value, ...(r.color && chart === 'bar' ? { itemStyle: { color: r.color } } : {}) })),
      },
    ],
  };
}

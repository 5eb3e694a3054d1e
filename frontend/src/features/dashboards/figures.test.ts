// A widget's answer as chart rows and echarts options: choice labels, titles, formatted figures.

import { describe, expect, it } from 'vitest';
import type { EntityDefinition } from '../../api/meta';
import type { DashboardWidget } from './dashboardApi';
import { chartOption, chartRows, formatFigure } from './figures';

const deal: EntityDefinition = {
  key: 'deal',
  label: { en: 'Deal' },
  fields: [
    {
      key: 'stage',
      type: 'select',
      label: { en: 'Stage' },
      options: { choices: [{ value: 'won', label: { en: 'Won', 'zh-CN': '赢单' }, color: '#0a0' }] },
    },
    { key: 'amount', type: 'currency', label: { en: 'Amount' }, options: { currency: 'CNY' } },
    { key: 'owner', type: 'user', label: { en: 'Owner' } },
  ],
};
const byStage: DashboardWidget = {
  key: 'by_stage',
  label: { en: 'By stage' },
  entity: 'deal',
  chart: 'bar',
  group_by: ['stage'],
  metric: 'sum:amount',
  groups: [
    { key: { stage: 'won' }, value: 1200 },
    { key: { stage: null }, value: 5 },
  ],
};
const texts = { empty: '(empty)' };

describe('chartRows', () => {
  it('labels choices in the reader language and formats the metric', () => {
    const rows = chartRows(byStage, deal, texts, 'zh-CN');
    expect(rows.map((r) => r.label)).toEqual(['赢单', '(empty)']);
    expect(rows[0].color).toBe('#0a0');
    expect(rows[0].text).toContain('1,200');
    expect(chartRows(byStage, deal, texts, 'en')[0].label).toBe('Won');
  });
  it('uses record and user titles when the answer has them', () => {
    const widget = { ...byStage, group_by: ['owner'], groups: [{ key: { owner: 3 }, titles: { owner: 'Rep' }, value: 0.5 }] };
    expect(chartRows({ ...widget, ratio_of: {} }, deal, texts, 'en')[0]).toMatchObject({ label: 'Rep', text: '50%' });
  });
});

describe('formatFigure', () => {
  it('shows ratios as percentages and counts as numbers', () => {
    expect(formatFigure({ ...byStage, ratio_of: {}, metric: undefined }, 0.6667, deal, 'en')).toBe('66.7%');
    expect(formatFigure({ ...byStage, metric: 'count' }, 1234, deal, 'en')).toBe('1,234');
    expect(formatFigure(byStage, null, deal, 'en')).toBe('—');
  });
});

describe('chartOption', () => {
  it('builds a category chart for bars and lines and a donut for pies', () => {
    const rows = chartRows(byStage, deal, texts, 'en');
    const bar = chartOption('bar', rows, 'By stage') as { xAxis: { data: string[] }; series: { type: string; data: { value: number }[] }[] };
    expect(bar.xAxis.data).toEqual(['Won', '(empty)']);
    expect(bar.series[0].type).toBe('bar');
    expect(bar.series[0].data.map((d) => d.value)).toEqual([1200, 5]);
    expect((chartOption('line', rows, 'x') as { series: { type: string }[] }).series[0].type).toBe('line');
    const pie = chartOption('pie', rows, 'x') as { series: { type: string; data: { name: string; value: number }[] }[] };
    expect(pie.series[0].type).toBe('pie');
    expect(pie.series[0].data[0]).toMatchObject({ name: 'Won', value: 1200 });
  });
  it('reads a ratio axis in percent, up to 100%', () => {
    const rows = [{ label: 'Wu Lei', value: 0.588, text: '58.8%' }];
    const axis = (chartOption('bar', rows, 'Win rate', true) as { yAxis: { max: number; axisLabel: { formatter: (v: number) => string } } }).yAxis;
    expect(axis.max).toBe(1);
    expect(axis.axisLabel.formatter(0.6)).toBe('60%');
    expect((chartOption('bar', rows, 'x') as { yAxis: { max?: number } }).yAxis.max).toBeUndefined();
  });
});

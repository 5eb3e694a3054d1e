// One dashboard widget as a card: a big figure, a chart (echarts) or a table, with a
// focusable drill-down per group and an "Open list" link; its own error stays in the card.

import { Alert, Card, Statistic, Table, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { paths } from '../../app/paths';
import { useEntityDefinition } from '../../app/queries';
import { localized } from '../../i18n/localized';
import type { DashboardWidget, JsonLogic } from './dashboardApi';
import { drillWhere } from './drilldown';
import { chartOption, chartRows, formatFigure } from './figures';

const EChart = lazy(() => import('./EChart').then((m) => ({ default: m.EChart })));

export function WidgetCard({
  widget,
  filter,
  unfiltered,
}: {
  widget: DashboardWidget;
  filter: JsonLogic | undefined;
  unfiltered: string[];
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const language = i18n.language;
  const definition = useEntityDefinition(widget.entity).data;
  const label = localized(widget.label, language) ?? widget.key;
  const texts = useMemo(() => ({ empty: t('dashboards.empty') }), [t]);
  const rows = useMemo(() => chartRows(widget, definition, texts, language), [widget, definition, texts, language]);
  const percent = widget.ratio_of !== undefined;
  const option = useMemo(() => chartOption(widget.chart, rows, label, percent), [widget.chart, rows, label, percent]);
  const groupHref = (index: number | null) =>
    paths.filteredList(
      widget.entity,
      drillWhere(widget, index === null ? null : widget.groups![index], filter),
      widget.link_view,
    );
  const testId = `widget-${widget.key}`;

  let body;
  if (widget.error) {
    body = (
      <Alert
        type="warning"
        showIcon
        data-testid={`${testId}-error`}
        title={widget.error.code === 'forbidden' ? t('dashboards.forbidden') : t('dashboards.widgetError')}
        description={widget.error.code === 'forbidden' ? undefined : widget.error.message}
      />
    );
  } else if (widget.chart === 'number' || !widget.group_by?.length) {
    body = (
      <Link to={groupHref(null)} data-testid={`${testId}-figure`} aria-label={`${label}: ${t('dashboards.openList')}`}>
        <Statistic value={formatFigure(widget, widget.value, definition, language)} />
      </Link>
    );
  } else if (widget.chart === 'table') {
    body = (
      <Table
        size="small"
        pagination={false}
        rowKey="index"
        data-testid={`${testId}-table`}
        dataSource={rows.map((row, index) => ({ ...row, index }))}
        columns={[
          {
            title: t('dashboards.group'),
            dataIndex: 'label',
            render: (text: string, row: { index: number }) => (
              <Link to={groupHref(row.index)} data-testid={`${testId}-group-${row.index}`}>
                {text}
              </Link>
            ),
          },
          { title: t('dashboards.value'), dataIndex: 'text', align: 'right' as const },
        ]}
      />
    );
  } else if (rows.length === 0) {
    body = <Typography.Text type="secondary">{t('dashboards.noData')}</Typography.Text>;
  } else {
    body = (
      <>
        <Suspense fallback={<div style={{ height: 260 }} />}>
          <EChart
            option={option}
            label={t('dashboards.chartOf', { label })}
            testId={`${testId}-chart`}
            onSelect={(index) => navigate(groupHref(index))}
          />
        </Suspense>
        <ul className="dashboard-groups" aria-label={label} style={{ listStyle: 'none', padding: 0, margin: 0, fontSize: 12 }}>
          {rows.map((row, index) => (
            <li key={index} style={{ display: 'inline-block', marginRight: 12 }}>
              <Link
                to={groupHref(index)}
                data-testid={`${testId}-group-${index}`}
                aria-label={t('dashboards.openGroupList', { group: row.label })}
              >
                {row.label}: <span data-testid={`${testId}-group-${index}-value`}>{row.text}</span>
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }

  return (
    <Card
      size="small"
      title={label}
      data-testid={testId}
      extra={
        <Link to={groupHref(null)} data-testid={`${testId}-open`}>
          {t('dashboards.openList')}
        </Link>
      }
      style={{ height: '100%' }}
    >
      {unfiltered.map((note) => (
        <Tag key={note} style={{ marginBottom: 8 }}>
          {note}
        </Tag>
      ))}
      {body}
    </Card>
  );
}

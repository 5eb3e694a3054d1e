// `/dashboards/:key`: the dashboard's widgets in a responsive grid, computed as the reader,
// under the reader's own filters (a date range on each entity's date field, "only mine").

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Col, DatePicker, Row, Select, Space, Switch, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { LoadError, Loading } from '../../app/PageStates';
import { useEntityDefinitions } from '../../app/queries';
import { localized } from '../../i18n/localized';
import { fetchDashboard } from './dashboardApi';
import { CREATED, dashboardFilters, dateFieldsOf, defaultDateField, entityFilter, ownerFieldOf, type FilterChoice } from './filters';
import { WidgetCard } from './WidgetCard';

export function DashboardPage() {
  const { key = '' } = useParams();
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const definitions = useEntityDefinitions();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [mine, setMine] = useState(false);
  const [chosenDateFields, setChosenDateFields] = useState<Record<string, string>>({});

  const layout = useQuery({ queryKey: ['dashboard', key, 'layout'], queryFn: ({ signal }) => fetchDashboard(key, {}, signal) });
  const widgets = layout.data?.widgets;
  const entities = useMemo(() => [...new Set((widgets ?? []).map((w) => w.entity))], [widgets]);
  const byKey = useMemo(() => new Map((definitions.data ?? []).map((d) => [d.key, d])), [definitions.data]);

  const choice: FilterChoice = useMemo(() => {
    const dateFields: FilterChoice['dateFields'] = {};
    const ownerFields: FilterChoice['ownerFields'] = {};
    for (const entity of entities) {
      const definition = byKey.get(entity);
      if (!definition) continue;
      dateFields[entity] = chosenDateFields[entity] ?? defaultDateField(definition, widgets ?? []);
      ownerFields[entity] = ownerFieldOf(definition);
    }
    return {
      range: [range?.[0]?.format('YYYY-MM-DD') ?? null, range?.[1]?.format('YYYY-MM-DD') ?? null],
      mine,
      dateFields,
      ownerFields,
    };
  }, [entities, byKey, chosenDateFields, widgets, range, mine]);
  const filters = useMemo(() => dashboardFilters(entities, choice), [entities, choice]);
  const filtered = Object.keys(filters).length > 0;

  const figures = useQuery({
    queryKey: ['dashboard', key, filters],
    queryFn: ({ signal }) => fetchDashboard(key, filters, signal),
    enabled: filtered && layout.isSuccess,
    placeholderData: keepPreviousData,
  });

  if (layout.isPending) return <Loading />;
  if (layout.isError) return <LoadError error={layout.error} onRetry={() => void layout.refetch()} />;
  // While filtered figures load, the last ones stay (marked as updating) so no card remounts.
  const answer = filtered ? (figures.data ?? layout.data) : layout.data;

  const notes = (entity: string) => {
    const out: string[] = [];
    if ((range?.[0] || range?.[1]) && !choice.dateFields[entity]) out.push(t('dashboards.notFilteredByDate'));
    if (mine && !choice.ownerFields[entity]) out.push(t('dashboards.notFilteredByOwner'));
    return out;
  };

  return (
    <div data-testid="dashboard-page" style={{ padding: 16 }}>
      <Typography.Title level={3} data-testid="dashboard-title">
        {localized(layout.data.label, language)}
      </Typography.Title>
      {layout.data.description && (
        <Typography.Paragraph type="secondary">{localized(layout.data.description, language)}</Typography.Paragraph>
      )}
      <Space wrap style={{ marginBottom: 16 }} aria-label={t('dashboards.filters')} role="group">
        <span data-testid="dashboard-date-range">
          <DatePicker.RangePicker
            aria-label={t('dashboards.dateRange')}
            allowEmpty={[true, true]}
            value={range}
            onChange={(value) => setRange(value)}
          />
        </span>
        {entities.map((entity) => {
          const definition = byKey.get(entity);
          const options = definition ? dateFieldsOf(definition) : [];
          if (!definition || options.length < 2) return null;
          const name = localized(definition.label, language) ?? entity;
          return (
            <Select
              key={entity}
              aria-label={t('dashboards.dateFieldOf', { entity: name })}
              data-testid={`dashboard-date-field-${entity}`}
              style={{ minWidth: 160 }}
              value={choice.dateFields[entity]}
              onChange={(value: string) => setChosenDateFields((all) => ({ ...all, [entity]: value }))}
              options={options.map((field) => ({
                value: field,
                label: `${name}: ${field === CREATED ? t('dashboards.created') : (localized(definition.fields.find((f) => f.key === field)?.label, language) ?? field)}`,
              }))}
            />
          );
        })}
        <Space>
          <Switch checked={mine} onChange={setMine} aria-label={t('dashboards.mine')} data-testid="dashboard-mine" />
          <span>{t('dashboards.mine')}</span>
        </Space>
        {filtered && (
          <Button
            onClick={() => {
              setRange(null);
              setMine(false);
            }}
            data-testid="dashboard-clear"
          >
            {t('dashboards.clear')}
          </Button>
        )}
        {figures.isFetching && <Typography.Text type="secondary">{t('dashboards.refreshing')}</Typography.Text>}
      </Space>
      {filtered && figures.isError && <LoadError error={figures.error} onRetry={() => void figures.refetch()} />}
      {answer && (
        <Row gutter={[16, 16]}>
          {answer.widgets.map((widget) => (
            <Col key={widget.key} xs={24} md={widget.chart === 'number' ? 12 : 24} lg={widget.chart === 'number' ? 6 : 12}>
              <WidgetCard widget={widget} filter={entityFilter(widget.entity, choice)} unfiltered={notes(widget.entity)} />
            </Col>
          ))}
        </Row>
      )}
    </div>
  );
}

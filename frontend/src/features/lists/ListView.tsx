// An entity's records as a table, from a list view definition: the view's columns (the
// reader may show or hide them), cells per field type, quick search, a filter builder,
// multi-column sort, keyset paging with the total, row selection for bulk changes, CSV
// export of exactly what is listed, and the way to a new record or an import.

import { DownloadOutlined, FilterOutlined, PlusOutlined, SettingOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Dropdown, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { FieldDefinition } from '../../api/meta';
import { listRecords, listSearch, recordsPath, type RecordData } from '../../api/records';
import { LoadError } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';
import { FieldValue } from '../../fields/FieldValue';
import { localized } from '../../i18n/localized';
import type { EntityViewProps } from '../shell/viewProps';
import { allOf, FIRST_PAGE, nextPage, orderOf, previousPage, sortFromSorter, viewSort, type Paging, type SorterState } from './listQuery';

// Loaded when first needed, so the list's first load stays small.
const BulkActions = lazy(() => import('./BulkActions').then((m) => ({ default: m.BulkActions })));
const FilterBuilder = lazy(() => import('./FilterBuilder').then((m) => ({ default: m.FilterBuilder })));

const PAGE_SIZES = [20, 50, 100];
const UNSORTABLE = new Set(['attachment', 'sub_table', 'long_text', 'rich_text', 'multi_select', 'tags']);

export function ListView({ entity, view, where }: EntityViewProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const language = i18n.language;
  const known = useMemo(() => new Map(entity.fields.map((f) => [f.key, f])), [entity]);
  const viewColumns = (view.columns ?? []).filter((key) => known.has(key));
  const [shown, setShown] = useState<string[]>(viewColumns.length ? viewColumns : entity.fields.slice(0, 6).map((f) => f.key));
  const [q, setQ] = useState('');
  const [filter, setFilter] = useState<unknown>(undefined);
  const [filterOpen, setFilterOpen] = useState(false);
  const [sort, setSort] = useState<string[]>(viewSort(view));
  const [limit, setLimit] = useState(PAGE_SIZES[0]);
  const [paging, setPaging] = useState<Paging>(FIRST_PAGE);
  const [selected, setSelected] = useState<React.Key[]>([]);
  const effectiveWhere = allOf(view.where, where, filter);
  const query = { where: effectiveWhere, q: q || undefined, sort, limit, cursor: paging.cursors[paging.page] };
  const records = useQuery({
    queryKey: [...queryKeys.records(entity.key), 'list', query],
    queryFn: ({ signal }) => listRecords(entity.key, query, signal),
    placeholderData: keepPreviousData,
  });
  const restart = () => {
    setPaging(FIRST_PAGE);
    setSelected([]);
  };
  const titleField = entity.title_field ?? shown[0];
  const label = (field: FieldDefinition) => localized(field.label, language) ?? field.key;
  const columns: ColumnsType<RecordData> = shown
    .map((key) => known.get(key))
    .filter((f): f is FieldDefinition => Boolean(f))
    .map((field, index) => ({
      key: field.key,
      dataIndex: field.key,
      title: label(field),
      sorter: UNSORTABLE.has(field.type) ? false : { multiple: index + 1 },
      sortOrder: orderOf(sort, field.key),
      render: (_: unknown, record: RecordData) =>
        field.key === titleField ? (
          <Link to={paths.record(entity.key, record.id)} data-testid="record-link">
            {record[field.key] === null || record[field.key] === undefined ? `#${record.id}` : <FieldValue field={field} record={record} />}
          </Link>
        ) : (
          <FieldValue field={field} record={record} />
        ),
    }));
  const exportHref = `${recordsPath(entity.key)}/export?format=csv&${listSearch({ where: effectiveWhere, q: q || undefined, sort, fields: shown }).slice(1)}`;
  const answer = records.data;
  const filterCount = filter ? JSON.stringify(filter).split('"var"').length - 1 : 0;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="list-view">
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Input.Search
            allowClear
            data-testid="list-search"
            aria-label={t('lists.search')}
            placeholder={t('lists.searchPlaceholder', { entity: localized(entity.plural_label ?? entity.label, language) ?? '' })}
            onSearch={(value) => {
              setQ(value.trim());
              restart();
            }}
            style={{ width: 260 }}
          />
          <Button icon={<FilterOutlined />} onClick={() => setFilterOpen((open) => !open)} type={filter ? 'primary' : 'default'} data-testid="filter-toggle" aria-expanded={filterOpen}>
            {filter ? t('lists.filterActive', { count: filterCount }) : t('lists.filter')}
          </Button>
          <Dropdown
            trigger={['click']}
            popupRender={() => (
              <div style={{ background: '#fff', padding: 12, boxShadow: '0 6px 16px rgba(0,0,0,.12)', borderRadius: 8, maxHeight: 360, overflow: 'auto' }}>
                <Checkbox.Group
                  data-testid="column-chooser"
                  value={shown}
                  onChange={(keys) => setShown(entity.fields.map((f) => f.key).filter((k) => keys.includes(k)))}
                  style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
                  options={entity.fields.map((f) => ({ value: f.key, label: label(f) }))}
                />
              </div>
            )}
          >
            <Button icon={<SettingOutlined />} data-testid="columns-button">
              {t('lists.columns')}
            </Button>
          </Dropdown>
        </Space>
        <Space wrap>
          <Tooltip title={t('lists.export')}>
            <Button icon={<DownloadOutlined />} href={exportHref} download data-testid="export-csv">
              {t('lists.export')}
            </Button>
          </Tooltip>
          <Button icon={<UploadOutlined />} onClick={() => navigate(paths.importRecords(entity.key))} data-testid="import-button">
            {t('lists.import')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(paths.newRecord(entity.key))} data-testid="new-record">
            {t('lists.new')}
          </Button>
        </Space>
      </Space>
      {filterOpen && (
        <Suspense fallback={null}>
          <FilterBuilder
            entity={entity}
            onApply={(logic) => {
              setFilter(logic);
              restart();
            }}
          />
        </Suspense>
      )}
      {selected.length > 0 && (
        <Suspense fallback={null}>
        <BulkActions
          entity={entity}
          ids={selected}
          onDone={() => {
            setSelected([]);
            void records.refetch();
          }}
        />
        </Suspense>
      )}
      {records.error ? (
        <LoadError error={records.error} onRetry={() => void records.refetch()} />
      ) : (
        <Table<RecordData>
          data-testid="records-table"
          rowKey="id"
          size="middle"
          loading={records.isFetching}
          columns={columns}
          dataSource={answer?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('lists.empty') }}
          rowSelection={{ selectedRowKeys: selected, onChange: setSelected }}
          onChange={(_pagination, _filters, sorter) => {
            setSort(sortFromSorter(sorter as SorterState | SorterState[]));
            restart();
          }}
          onRow={(record) => ({
            tabIndex: 0,
            'data-testid': 'record-row',
            'data-record-id': String(record.id),
            onKeyDown: (event) => {
              if (event.key === 'Enter' && event.target === event.currentTarget) navigate(paths.record(entity.key, record.id));
            },
          })}
        />
      )}
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text type="secondary" data-testid="list-total" data-total={answer?.total ?? ''}>
          {answer && answer.total !== null
            ? answer.total_is_estimate
              ? t('lists.totalEstimate', { count: answer.total })
              : t('lists.total', { count: answer.total })
            : ''}
        </Typography.Text>
        <Space>
          <Select
            aria-label={t('lists.pageSize', { size: limit })}
            value={limit}
            onChange={(size: number) => {
              setLimit(size);
              restart();
            }}
            options={PAGE_SIZES.map((size) => ({ value: size, label: t('lists.pageSize', { size }) }))}
            data-testid="page-size"
          />
          <Button disabled={paging.page === 0} onClick={() => setPaging(previousPage(paging))} data-testid="page-previous">
            {t('lists.previous')}
          </Button>
          <Button disabled={!answer?.next_cursor} onClick={() => setPaging(nextPage(paging, answer?.next_cursor ?? null))} data-testid="page-next">
            {t('lists.next')}
          </Button>
        </Space>
      </Space>
    </Space>
  );
}

// The list view a rep works in all day: the view's columns (choosable), quick search, a filter
// builder (lazy-loaded), multi-column sort, keyset paging with a total, saved views, bulk edit
// and delete of chosen rows, CSV export of what is shown, and New/Import. Rows are reachable by
// Tab and open with Enter.

import { DownloadOutlined, FilterOutlined, ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Checkbox, Empty, Input, Popover, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { exportUrl } from '../../api/exports';
import { may, type FieldDefinition } from '../../api/meta';
import { listRecords, type RecordData, type RecordId } from '../../api/records';
import { LoadError } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';
import { FieldValue } from '../../fields/FieldValue';
import { localized } from '../../i18n/localized';
import type { EntityViewProps } from '../shell/viewProps';
import { changedColumn, clickSort, combineWhere, firstPage, nextPage, pageNumber, previousPage, queryToJsonLogic, sortOrderOf, viewSort, type CursorStack } from './listQuery';
import { emptyQuery, sanitizeState, type ListState } from './listState';
import { SavedViews } from './SavedViews';

const FilterBuilder = lazy(() => import('./FilterBuilder'));
/** Loaded once a row is first chosen: the edit and delete controls are not part of the first load. */
const BulkActions = lazy(() => import('./BulkActions').then((m) => ({ default: m.BulkActions })));
const PAGE_SIZES = [25, 50, 100, 200];
const UNSORTABLE = new Set(['multi_select', 'tags', 'attachment', 'sub_table', 'long_text', 'rich_text']);

function initialColumns(props: EntityViewProps): string[] {
  const known = new Set(props.entity.fields.map((f) => f.key));
  const columns = (props.view.columns ?? []).filter((c) => known.has(c));
  return columns.length ? columns : props.entity.fields.slice(0, 6).map((f) => f.key);
}

export function ListView(props: EntityViewProps) {
  const { entity, view } = props;
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const navigate = useNavigate();
  const client = useQueryClient();
  const defaults: ListState = useMemo(() => ({ columns: initialColumns(props), query: emptyQuery, sort: viewSort(view), q: '' }), [props, view]);
  const [state, setState] = useState<ListState>(defaults);
  const [searchText, setSearchText] = useState('');
  const [showFilter, setShowFilter] = useState(false);
  const [pageSize, setPageSize] = useState(50);
  const [cursors, setCursors] = useState<CursorStack>(firstPage);
  const [selected, setSelected] = useState<RecordId[]>([]);
  const [bulkUsed, setBulkUsed] = useState(false);

  const fieldsByKey = useMemo(() => new Map(entity.fields.map((f) => [f.key, f])), [entity.fields]);
  // Rows are selectable only for what the user may do with a selection: edit or delete them.
  const bulkAllowed = may(entity, 'update') || may(entity, 'delete');
  const shown = state.columns.map((key) => fieldsByKey.get(key)).filter((f): f is FieldDefinition => Boolean(f));
  const titleField = entity.title_field && fieldsByKey.has(entity.title_field) ? entity.title_field : state.columns[0];
  const userWhere = useMemo(() => queryToJsonLogic(state.query, entity.fields), [state.query, entity.fields]);
  const where = useMemo(() => combineWhere(view.where, props.where, userWhere), [view.where, props.where, userWhere]);
  const fields = useMemo(() => Array.from(new Set([...state.columns, ...(titleField ? [titleField] : [])])), [state.columns, titleField]);
  const query = { where, q: state.q || undefined, sort: state.sort, limit: pageSize, cursor: cursors.current, fields };

  const records = useQuery({
    queryKey: [...queryKeys.records(entity.key), 'list', query],
    queryFn: ({ signal }) => listRecords(entity.key, query, signal),
    placeholderData: keepPreviousData,
  });

  function update(change: Partial<ListState>) {
    setState((s) => ({ ...s, ...change }));
    setCursors(firstPage);
    setSelected([]);
  }

  function openSaved(saved: ListState) {
    const next = sanitizeState(saved, entity.fields.map((f) => f.key), defaults);
    setSearchText(next.q);
    if (next.query.rules.length) setShowFilter(true);
    update(next);
  }

  const columns: ColumnsType<RecordData> = shown.map((field) => ({
    key: field.key,
    dataIndex: field.key,
    title: localized(field.label, language) ?? field.key,
    sorter: UNSORTABLE.has(field.type) ? undefined : { multiple: 1 },
    sortOrder: sortOrderOf(state.sort, field.key),
    render: (_: unknown, record: RecordData) =>
      field.key === titleField ? (
        <Link to={paths.record(entity.key, record.id)} data-testid="record-link" tabIndex={-1}>
          {record[field.key] === null || record[field.key] === undefined || record[field.key] === '' ? `#${record.id}` : <FieldValue field={field} record={record} />}
        </Link>
      ) : (
        <FieldValue field={field} record={record} />
      ),
  }));

  /** Whether the header click being handled had Shift, Ctrl or Cmd held (adds a sort key). */
  const additiveClick = useRef(false);
  const noteModifiers = (event: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) => {
    additiveClick.current = event.shiftKey || event.ctrlKey || event.metaKey;
  };

  function onSort(sorter: SorterResult<RecordData> | SorterResult<RecordData>[]) {
    const reported = (Array.isArray(sorter) ? sorter : [sorter]).map((s) => ({ field: String(s.columnKey ?? ''), order: s.order })).filter((s) => s.field);
    const sortable = shown.filter((f) => !UNSORTABLE.has(f.type)).map((f) => f.key);
    const changed = changedColumn(state.sort, reported, sortable);
    if (changed) update({ sort: clickSort(state.sort, changed.field, changed.order, additiveClick.current) });
  }

  const answer = records.data;
  const total = answer?.total;
  const columnChooser = (
    <Checkbox.Group
      data-testid="column-chooser"
      value={state.columns}
      onChange={(values) => {
        const chosen = entity.fields.map((f) => f.key).filter((k) => values.includes(k));
        if (chosen.length) update({ columns: chosen });
      }}
    >
      <Space direction="vertical">
        {entity.fields.map((f) => (
          <Checkbox key={f.key} value={f.key}>
            {localized(f.label, language) ?? f.key}
          </Checkbox>
        ))}
      </Space>
    </Checkbox.Group>
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="list-view">
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Input.Search
            data-testid="list-search"
            aria-label={t('lists.search')}
            placeholder={t('lists.search')}
            allowClear
            value={searchText}
            onChange={(e) => {
              setSearchText(e.target.value);
              if (!e.target.value) update({ q: '' });
            }}
            onSearch={(text) => update({ q: text.trim() })}
            style={{ width: 240 }}
          />
          <Badge count={userWhere ? state.query.rules.length : 0} size="small">
            <Button data-testid="filter-toggle" icon={<FilterOutlined />} onClick={() => setShowFilter((v) => !v)} aria-expanded={showFilter}>
              {t('lists.filter')}
            </Button>
          </Badge>
          <Popover content={columnChooser} trigger="click" title={t('lists.columns')}>
            <Button data-testid="columns-button">{t('lists.columns')}</Button>
          </Popover>
          <SavedViews entity={entity.key} current={state} onOpen={openSaved} />
        </Space>
        <Space wrap>
          {may(entity, 'export') && (
            <Button data-testid="export-csv" icon={<DownloadOutlined />} href={exportUrl(entity.key, { where, q: state.q || undefined, sort: state.sort, fields: state.columns })} download>
              {t('lists.exportCsv')}
            </Button>
          )}
          {may(entity, 'import') && (
            <Button data-testid="import-button" icon={<ImportOutlined />} onClick={() => navigate(paths.importRecords(entity.key))}>
              {t('lists.import')}
            </Button>
          )}
          {may(entity, 'create') && (
            <Button data-testid="new-record" type="primary" icon={<PlusOutlined />} onClick={() => navigate(paths.newRecord(entity.key))}>
              {t('lists.newRecord')}
            </Button>
          )}
        </Space>
      </Space>
      {showFilter && (
        <Suspense fallback={<Typography.Text type="secondary">{t('lists.loadingFilter')}</Typography.Text>}>
          <FilterBuilder fields={entity.fields} query={state.query} onChange={(q) => update({ query: q })} />
          {state.query.rules.length > 0 && (
            <Button size="small" data-testid="filter-clear" onClick={() => update({ query: emptyQuery })}>
              {t('lists.clearFilter')}
            </Button>
          )}
        </Suspense>
      )}
      {bulkUsed && (
        <Suspense fallback={null}>
          <BulkActions
            entity={entity.key}
            fields={entity.fields}
            canUpdate={may(entity, 'update')}
            canDelete={may(entity, 'delete')}
            selected={selected}
            onDone={() => {
              setSelected([]);
              void client.invalidateQueries({ queryKey: queryKeys.records(entity.key) });
            }}
          />
        </Suspense>
      )}
      {records.error && !answer ? (
        <LoadError error={records.error} onRetry={() => void records.refetch()} />
      ) : (
        <>
          {records.error && <Alert type="error" showIcon message={records.error instanceof Error ? records.error.message : String(records.error)} data-testid="list-error" />}
          {/* Modifier keys are noted before the table handles the header click or Enter. */}
          <div onMouseDownCapture={noteModifiers} onKeyDownCapture={noteModifiers}>
          <Table<RecordData>
            data-testid="list-table"
            rowKey={(r) => String(r.id)}
            size="middle"
            loading={records.isFetching}
            columns={columns}
            dataSource={answer?.items ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            showSorterTooltip={false}
            locale={{ emptyText: records.isLoading ? ' ' : <Empty description={t('lists.empty')} /> }}
            rowSelection={bulkAllowed ? { selectedRowKeys: selected.map(String), onChange: (keys) => {
                if (keys.length) setBulkUsed(true);
                setSelected(keys.map((k) => (/^\d+$/.test(String(k)) ? Number(k) : String(k))));
              },
            } : undefined}
            onChange={(_pagination, _filters, sorter) => onSort(sorter)}
            onRow={(record) => ({
              tabIndex: 0,
              'data-testid': `row-${record.id}`,
              onKeyDown: (event) => {
                if (event.key === 'Enter' && event.target === event.currentTarget) navigate(paths.record(entity.key, record.id));
              },
            })}
          />
          </div>
        </>
      )}
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text data-testid="list-total">
          {total === null || total === undefined ? '' : t(answer?.total_is_estimate ? 'lists.totalEstimate' : 'lists.total', { total: total.toLocaleString(language) })}
        </Typography.Text>
        <Space>
          <Button data-testid="page-previous" disabled={pageNumber(cursors) === 1} onClick={() => setCursors(previousPage)}>
            {t('lists.previous')}
          </Button>
          <Typography.Text data-testid="page-number">{t('lists.page', { page: pageNumber(cursors) })}</Typography.Text>
          <Button data-testid="page-next" disabled={!answer?.next_cursor} onClick={() => answer?.next_cursor && setCursors((c) => nextPage(c, answer.next_cursor as string))}>
            {t('lists.next')}
          </Button>
          <Select
            data-testid="page-size"
            aria-label={t('lists.pageSize', { size: pageSize })}
            value={pageSize}
            onChange={(size: number) => {
              setPageSize(size);
              setCursors(firstPage);
            }}
            options={PAGE_SIZES.map((size) => ({ value: size, label: t('lists.pageSize', { size }) }))}
          />
        </Space>
      </Space>
    </Space>
  );
}

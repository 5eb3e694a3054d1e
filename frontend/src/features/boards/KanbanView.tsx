// A kanban board: one column per choice of the view's group field (in choice order, with
// colour, count and the amount's sum), cards loaded per column with "load more". Dropping a
// card on another column takes the workflow transition to that state (asking its fields
// first, showing a refusal's reason, marking one sent for approval), or — when no workflow
// drives the field — saves the new value with `_version`. A card menu offers the same moves
// from the keyboard.

import { MoreOutlined } from '@ant-design/icons';
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Dropdown, Empty, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/errors';
import type { Choice, EntityDefinition, FieldDefinition } from '../../api/meta';
import { aggregateRecords, listRecords, updateRecord, type RecordData } from '../../api/records';
import { fetchTransitions, takeTransition, type Transition } from '../../api/workflows';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';
import { FieldValue } from '../../fields/FieldValue';
import { formatNumber } from '../../fields/format';
import { localized } from '../../i18n/localized';
import type { EntityViewProps } from '../shell/viewProps';
import { allOf, decideDrop, isApprovalResult, needsForm, refusalText, sortOf, transitionsForField, viewFilter } from './boardLogic';
import { TransitionModal } from './TransitionModal';

const PAGE = 25;

interface Pending {
  record: RecordData;
  from: string;
  to: string;
}

interface Notice {
  type: 'error' | 'warning' | 'success' | 'info';
  text: string;
}

function titleOf(entity: EntityDefinition, record: RecordData): string {
  return String(record[entity.title_field ?? 'name'] ?? `#${record.id}`);
}

export function KanbanView({ entity, view, where }: EntityViewProps) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const groupField = entity.fields.find((f) => f.key === view.group_field);
  const [pending, setPending] = useState<Pending | null>(null);
  const [asking, setAsking] = useState<{ record: RecordData; transition: Transition; from: string } | null>(null);
  const [awaiting, setAwaiting] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<Notice | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));
  const base = useMemo(() => allOf(viewFilter(view), where), [view, where]);
  const amountField = (view.columns ?? [])
    .map((k) => entity.fields.find((f) => f.key === k))
    .find((f): f is FieldDefinition => f?.type === 'currency');

  if (!groupField) return <Alert type="warning" message={t('boards.noGroupField')} />;
  const choices: Choice[] = groupField.options?.choices ?? [];

  const explainError = (error: unknown): string => {
    if (isApiError(error)) {
      if (error.status === 409) return t('boards.stale');
      if (error.status === 403) return t('boards.forbidden');
      const details = error.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; ');
      return t('boards.failed', { message: details || error.message });
    }
    return t('boards.failed', { message: String(error) });
  };

  const finish = async () => {
    await client.invalidateQueries({ queryKey: queryKeys.records(entity.key) });
    setPending(null);
  };

  const take = async (record: RecordData, transition: Transition, from: string, body: { fields?: Record<string, unknown>; comment?: string }) => {
    setPending({ record, from, to: transition.to.key });
    try {
      const result = await takeTransition(entity.key, record.id, transition.key, body);
      if (isApprovalResult(result)) {
        setPending(null);
        setAwaiting((s) => new Set(s).add(String(record.id)));
        setNotice({ type: 'info', text: t('boards.sentForApproval') });
        return;
      }
      setNotice({ type: 'success', text: t('boards.moved', { to: localized(transition.to.label, i18n.language) ?? transition.to.key }) });
      await finish();
    } catch (error) {
      setPending(null);
      setNotice({ type: 'error', text: explainError(error) });
      if (isApiError(error) && error.status === 409) void client.invalidateQueries({ queryKey: queryKeys.records(entity.key) });
    }
  };

  const move = async (record: RecordData, from: string, to: string) => {
    if (from === to) return;
    setNotice(null);
    setPending({ record, from, to });
    let answer;
    try {
      answer = await fetchTransitions(entity.key, record.id);
    } catch (error) {
      setPending(null);
      setNotice({ type: 'error', text: explainError(error) });
      return;
    }
    const decision = decideDrop(answer, groupField.key, to);
    if (decision.kind === 'refused') {
      setPending(null);
      setNotice({
        type: 'warning',
        text: refusalText(decision, i18n.language, {
          guard: (reason) => t('boards.refusedGuard', { reason }),
          allowed: (list) => t('boards.refusedAllowed', { list }),
          none: t('boards.refusedNone'),
        }),
      });
      return;
    }
    if (decision.kind === 'transition') {
      if (needsForm(decision.transition)) {
        setPending(null);
        setAsking({ record, transition: decision.transition, from });
        return;
      }
      await take(record, decision.transition, from, {});
      return;
    }
    try {
      await updateRecord(entity.key, record.id, { [groupField.key]: to }, record._version);
      await finish();
    } catch (error) {
      setPending(null);
      setNotice({ type: 'error', text: explainError(error) });
    }
  };

  const onDragEnd = (event: DragEndEvent) => {
    const data = event.active.data.current as { record: RecordData; from: string } | undefined;
    const to = event.over?.id;
    if (!data || to === undefined || pending) return;
    void move(data.record, data.from, String(to));
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="kanban">
      {notice && (
        <Alert type={notice.type} message={notice.text} closable onClose={() => setNotice(null)} data-testid="board-notice" role="status" />
      )}
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div style={{ display: 'flex', gap: 12, overflowX: 'auto', alignItems: 'flex-start', paddingBottom: 8 }}>
          {choices.map((choice) => (
            <Column
              key={choice.value}
              entity={entity}
              choice={choice}
              groupField={groupField}
              baseWhere={base}
              sort={sortOf(view)}
              columns={view.columns ?? []}
              amountField={amountField}
              pending={pending}
              awaiting={awaiting}
              onMove={(record, to) => void move(record, choice.value, to)}
              viewKey={view.key}
            />
          ))}
        </div>
      </DndContext>
      {asking && (
        <TransitionModal
          entity={entity}
          record={asking.record}
          transition={asking.transition}
          onCancel={() => setAsking(null)}
          onSubmit={(body) => {
            const { record, transition, from } = asking;
            setAsking(null);
            void take(record, transition, from, body);
          }}
        />
      )}
    </Space>
  );
}

interface ColumnProps {
  entity: EntityDefinition;
  choice: Choice;
  groupField: FieldDefinition;
  baseWhere: unknown;
  sort?: string[];
  columns: string[];
  amountField?: FieldDefinition;
  pending: Pending | null;
  awaiting: Set<string>;
  onMove: (record: RecordData, to: string) => void;
  viewKey: string;
}

function Column({ entity, choice, groupField, baseWhere, sort, columns, amountField, pending, awaiting, onMove, viewKey }: ColumnProps) {
  const { t, i18n } = useTranslation();
  const where = allOf({ '==': [{ var: groupField.key }, choice.value] }, baseWhere);
  const { setNodeRef, isOver } = useDroppable({ id: choice.value });
  const records = useInfiniteQuery({
    queryKey: [...queryKeys.records(entity.key), 'kanban', viewKey, choice.value, where],
    queryFn: ({ pageParam, signal }) => listRecords(entity.key, { where, sort, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const totals = useQuery({
    queryKey: [...queryKeys.records(entity.key), 'kanban-sum', viewKey, choice.value, where, amountField?.key],
    queryFn: ({ signal }) =>
      aggregateRecords(entity.key, [], amountField ? ['count', `sum:${amountField.key}`] : ['count'], where, signal),
  });
  const loaded = records.data?.pages.flatMap((p) => p.items) ?? [];
  let items = loaded;
  if (pending && pending.from === choice.value) items = items.filter((r) => r.id !== pending.record.id);
  if (pending && pending.to === choice.value && !items.some((r) => r.id === pending.record.id)) items = [pending.record, ...items];
  const group = totals.data?.[0];
  const count = typeof group?.count === 'number' ? group.count : loaded.length;
  const sumValue = amountField ? group?.[`sum:${amountField.key}`] ?? group?.[`sum_${amountField.key}`] : undefined;
  const label = localized(choice.label, i18n.language) ?? choice.value;
  return (
    <div
      ref={setNodeRef}
      data-testid={`kanban-column-${choice.value}`}
      style={{
        minWidth: 260,
        width: 260,
        background: isOver ? '#e6f4ff' : '#f5f5f5',
        borderRadius: 8,
        padding: 8,
        borderTop: `3px solid ${choice.color ?? '#d9d9d9'}`,
      }}
    >
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Text strong>
          <Tag color={choice.color}>{label}</Tag>
        </Typography.Text>
        <Typography.Text type="secondary" data-testid={`kanban-count-${choice.value}`}>
          {t('boards.count', { count })}
        </Typography.Text>
      </Space>
      {amountField && typeof sumValue === 'number' && (
        <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }} data-testid={`kanban-sum-${choice.value}`}>
          {t('boards.sum', { sum: formatNumber(amountField, sumValue, i18n.language) })}
        </Typography.Text>
      )}
      {records.isLoading && <Loading />}
      {records.error && <LoadError error={records.error} onRetry={() => void records.refetch()} />}
      {!records.isLoading && !records.error && items.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('boards.empty')} />
      )}
      <Space direction="vertical" style={{ width: '100%' }}>
        {items.map((record) => (
          <KanbanCard
            key={String(record.id)}
            entity={entity}
            record={record}
            from={choice.value}
            columns={columns}
            groupField={groupField}
            awaiting={awaiting.has(String(record.id))}
            onMove={onMove}
          />
        ))}
      </Space>
      {records.hasNextPage && (
        <Button block type="link" loading={records.isFetchingNextPage} onClick={() => void records.fetchNextPage()}>
          {t('boards.loadMore')}
        </Button>
      )}
    </div>
  );
}

interface CardProps {
  entity: EntityDefinition;
  record: RecordData;
  from: string;
  columns: string[];
  groupField: FieldDefinition;
  awaiting: boolean;
  onMove: (record: RecordData, to: string) => void;
}

function KanbanCard({ entity, record, from, columns, groupField, awaiting, onMove }: CardProps) {
  const { t, i18n } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: `card-${record.id}`,
    data: { record, from },
  });
  const [menuOpen, setMenuOpen] = useState(false);
  const transitions = useQuery({
    queryKey: [...queryKeys.record(entity.key, record.id), 'transitions', record._version],
    queryFn: ({ signal }) => fetchTransitions(entity.key, record.id, signal),
    enabled: menuOpen,
  });
  const title = titleOf(entity, record);
  const titleKey = entity.title_field ?? 'name';
  const moves = transitions.data ? transitionsForField(transitions.data, groupField.key) : undefined;
  const menuItems = !transitions.data
    ? [{ key: '_loading', label: t('common.loading'), disabled: true }]
    : moves === null
      ? (groupField.options?.choices ?? [])
          .filter((c) => c.value !== from)
          .map((c) => ({ key: c.value, label: localized(c.label, i18n.language) ?? c.value }))
      : (moves ?? [])
          .filter((m) => m.guard_met)
          .map((m) => ({
            key: m.to.key,
            label: `${localized(m.label, i18n.language) ?? m.key} → ${localized(m.to.label, i18n.language) ?? m.to.key}`,
          }));
  const style: React.CSSProperties = {
    transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
    opacity: isDragging ? 0.7 : 1,
    cursor: 'grab',
    zIndex: isDragging ? 10 : undefined,
    position: 'relative',
  };
  return (
    <div ref={setNodeRef} style={style} {...listeners} {...attributes} data-testid={`kanban-card-${record.id}`} aria-label={title}>
      <Card
        size="small"
        title={
          <Link to={paths.record(entity.key, record.id)} onPointerDown={(e) => e.stopPropagation()}>
            {title}
          </Link>
        }
        extra={
          <Dropdown
            trigger={['click']}
            onOpenChange={setMenuOpen}
            menu={{
              items: menuItems.length ? menuItems : [{ key: '_none', label: t('boards.refusedNone'), disabled: true }],
              onClick: ({ key }) => {
                if (!key.startsWith('_')) onMove(record, key);
              },
            }}
          >
            <Button
              size="small"
              type="text"
              icon={<MoreOutlined />}
              aria-label={t('boards.cardMenu', { title })}
              title={t('boards.moveTo')}
              data-testid={`kanban-card-menu-${record.id}`}
              onPointerDown={(e) => e.stopPropagation()}
              onKeyDown={(e) => e.stopPropagation()}
            />
          </Dropdown>
        }
      >
        {awaiting && <Badge status="processing" text={t('boards.awaitingApproval')} data-testid="awaiting-approval" />}
        {columns
          .filter((key) => key !== titleKey && key !== groupField.key)
          .map((key) => entity.fields.find((f) => f.key === key))
          .filter((f): f is FieldDefinition => f !== undefined)
          .map((field) => (
            <div key={field.key} style={{ fontSize: 13 }}>
              <Typography.Text type="secondary">{localized(field.label, i18n.language)}: </Typography.Text>
              <FieldValue field={field} record={record} />
            </div>
          ))}
      </Card>
    </div>
  );
}

// Records of other entities pointing at this one (a company's contacts, deals, ...): a tab
// each with the first ten, their count, "See all" (the filtered list) and "New" (prefilled).

import { useQuery } from '@tanstack/react-query';
import { Button, Empty, Space, Table, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { may, reverseRelations, type EntityDefinition, type FieldDefinition } from '../../api/meta';
import { listRecords, type RecordData } from '../../api/records';
import { paths } from '../../app/paths';
import { LoadError } from '../../app/PageStates';
import { queryKeys, useViews } from '../../app/queries';
import { FieldValue } from '../../fields/FieldValue';
import { localized } from '../../i18n/localized';

interface Relation {
  entity: EntityDefinition;
  field: FieldDefinition;
}

function relatedWhere(field: string, id: string) {
  return { '==': [{ var: field }, Number.isNaN(Number(id)) ? id : Number(id)] };
}

export function newRelatedPath(entity: string, field: string, id: string): string {
  const value = Number.isNaN(Number(id)) ? id : Number(id);
  return `${paths.newRecord(entity)}?values=${encodeURIComponent(JSON.stringify({ [field]: value }))}`;
}

function useRelated(relation: Relation, id: string) {
  return useQuery({
    queryKey: [...queryKeys.records(relation.entity.key), 'related', relation.field.key, id],
    queryFn: ({ signal }) => listRecords(relation.entity.key, { where: relatedWhere(relation.field.key, id), limit: 10 }, signal),
  });
}

function RelatedTable({ relation, id }: { relation: Relation; id: string }) {
  const { t, i18n } = useTranslation();
  const related = useRelated(relation, id);
  const views = useViews(relation.entity.key);
  const other = relation.entity;
  const view = (views.data ?? []).find((v) => v.type === 'list' && v.default) ?? (views.data ?? []).find((v) => v.type === 'list');
  const keys = (view?.columns?.length ? view.columns : other.fields.slice(0, 4).map((f) => f.key)).filter((k) => k !== relation.field.key);
  const fields = keys.map((k) => other.fields.find((f) => f.key === k)).filter((f): f is FieldDefinition => Boolean(f)).slice(0, 5);
  const where = relatedWhere(relation.field.key, id);
  if (related.isError) return <LoadError error={related.error} onRetry={() => void related.refetch()} />;
  return (
    <div data-testid={`related-${other.key}-${relation.field.key}`}>
      <Space style={{ marginBottom: 8 }}>
        <Link to={paths.filteredList(other.key, where)}>{t('records.seeAll', { count: related.data?.total ?? related.data?.items.length ?? 0 })}</Link>
        {may(other, 'create') && (
          <Link to={newRelatedPath(other.key, relation.field.key, id)}>
            <Button size="small" data-testid={`related-new-${other.key}`}>{t('records.newRelated')}</Button>
          </Link>
        )}
      </Space>
      <Table<RecordData>
        size="small"
        rowKey="id"
        loading={related.isPending}
        pagination={false}
        dataSource={related.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('records.relatedEmpty')} /> }}
        columns={fields.map((field, index) => ({
          key: field.key,
          title: localized(field.label, i18n.language) ?? field.key,
          render: (_: unknown, row: RecordData) =>
            index === 0 ? <Link to={paths.record(other.key, row.id)}><FieldValue field={{ ...field, type: field.type === 'relation' ? 'text' : field.type }} record={row} /></Link> : <FieldValue field={field} record={row} />,
        }))}
      />
    </div>
  );
}

function RelatedLabel({ relation, id, many }: { relation: Relation; id: string; many: boolean }) {
  const { i18n } = useTranslation();
  const related = useRelated(relation, id);
  const label = localized(relation.entity.plural_label ?? relation.entity.label, i18n.language) ?? relation.entity.key;
  const suffix = many ? ` · ${localized(relation.field.label, i18n.language) ?? relation.field.key}` : '';
  const count = related.data?.total ?? related.data?.items.length;
  return <span>{label}{suffix}{count !== undefined ? ` (${count})` : ''}</span>;
}

export function relationsOf(all: EntityDefinition[], entity: string): Relation[] {
  return reverseRelations(all, entity);
}

export function RelatedLists({ relations, id }: { relations: Relation[]; id: string }) {
  if (!relations.length) return null;
  const byEntity = new Map<string, number>();
  for (const r of relations) byEntity.set(r.entity.key, (byEntity.get(r.entity.key) ?? 0) + 1);
  return (
    <Tabs
      data-testid="related"
      items={relations.map((relation) => ({
        key: `${relation.entity.key}.${relation.field.key}`,
        label: <RelatedLabel relation={relation} id={id} many={(byEntity.get(relation.entity.key) ?? 0) > 1} />,
        children: <RelatedTable relation={relation} id={id} />,
      }))}
    />
  );
}

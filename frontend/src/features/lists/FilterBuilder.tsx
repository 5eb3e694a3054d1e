// The filter builder (react-querybuilder with antd controls, loaded only when opened): rules
// and groups over the entity's fields, turned into the JsonLogic the list sends as `where`.

import { QueryBuilderAntD } from '@react-querybuilder/antd';
import { useQueries } from '@tanstack/react-query';
import { Button, Card, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatQuery, QueryBuilder, type RuleGroupType } from 'react-querybuilder';
import 'react-querybuilder/dist/query-builder.css';
import type { EntityDefinition } from '../../api/meta';
import { listRecords, type RecordRef } from '../../api/records';
import { useEntityDefinitions } from '../../app/queries';
import { filterFields, typedLogic, type OperatorLabels } from './filterFields';

const EMPTY: RuleGroupType = { combinator: 'and', rules: [] };
const RELATED_OPTIONS = 200;

interface Props {
  entity: EntityDefinition;
  onApply: (logic: unknown) => void;
}

export function FilterBuilder({ entity, onApply }: Props) {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState<RuleGroupType>(EMPTY);
  const definitions = useEntityDefinitions();
  const relations = entity.fields.filter((f) => f.type === 'relation' && !f.options?.many && f.options?.target);
  const related = useQueries({
    queries: relations.map((field) => ({
      queryKey: ['records', String(field.options?.target), 'filter-options'],
      queryFn: ({ signal }: { signal: AbortSignal }) => listRecords(String(field.options?.target), { limit: RELATED_OPTIONS, total: false }, signal),
      staleTime: 60_000,
    })),
  });
  const relatedRefs = useMemo(() => {
    const refs: Record<string, RecordRef[]> = {};
    relations.forEach((field, index) => {
      const items = related[index]?.data?.items ?? [];
      const target = definitions.data?.find((d) => d.key === field.options?.target);
      const titleField = target?.title_field ?? 'name';
      refs[field.key] = items.map((item) => ({ id: item.id, title: String(item[titleField] ?? `#${item.id}`) }));
    });
    return refs;
  }, [relations, related, definitions.data]);
  const labels = t('lists.operators', { returnObjects: true }) as OperatorLabels;
  const fields = filterFields(entity, i18n.language, labels, relatedRefs, { yes: t('widgets.yes'), no: t('widgets.no') });
  const apply = () => {
    if (query.rules.length === 0) return onApply(undefined);
    const logic = formatQuery(query, { format: 'jsonlogic', parseNumbers: true });
    onApply(logic === false ? undefined : typedLogic(logic, entity));
  };
  return (
    <Card size="small" data-testid="filter-builder">
      <QueryBuilderAntD>
        <QueryBuilder
          fields={fields}
          query={query}
          onQueryChange={setQuery}
          translations={{
            addRule: { label: t('lists.addRule'), title: t('lists.addRule') },
            addGroup: { label: t('lists.addGroup'), title: t('lists.addGroup') },
            removeRule: { label: '×', title: t('lists.remove') },
            removeGroup: { label: '×', title: t('lists.remove') },
          }}
          combinators={[
            { name: 'and', value: 'and', label: t('lists.all') },
            { name: 'or', value: 'or', label: t('lists.any') },
          ]}
          controlClassnames={{ queryBuilder: 'queryBuilder-branches' }}
        />
      </QueryBuilderAntD>
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" onClick={apply} data-testid="filter-apply">
          {t('lists.applyFilter')}
        </Button>
        <Button
          onClick={() => {
            setQuery(EMPTY);
            onApply(undefined);
          }}
          data-testid="filter-clear"
        >
          {t('lists.clearFilter')}
        </Button>
      </Space>
    </Card>
  );
}

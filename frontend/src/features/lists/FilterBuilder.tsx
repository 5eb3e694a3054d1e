// The list's filter builder (react-querybuilder with antd controls), loaded lazily so the
// list's first load does not carry it. Fields come from the entity definition with the
// operators of their type; select fields offer their localized choices. The parent turns the
// tree into JsonLogic (listQuery.queryToJsonLogic).

import { QueryBuilderAntD } from '@react-querybuilder/antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryBuilder, type Field, type RuleGroupType } from 'react-querybuilder';
import type { FieldDefinition } from '../../api/meta';
import { localized } from '../../i18n/localized';
import { filterKind, OPERATORS } from './listQuery';

interface Props {
  fields: FieldDefinition[];
  query: RuleGroupType;
  onChange: (query: RuleGroupType) => void;
}

export default function FilterBuilder({ fields, query, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const builderFields = useMemo<Field[]>(
    () =>
      fields.flatMap((field): Field[] => {
        const kind = filterKind(field);
        if (!kind) return [];
        const operators = OPERATORS[kind].map((name) => ({ name, value: name, label: t(`lists.op_${name}`) }));
        const base: Field = { name: field.key, value: field.key, label: localized(field.label, language) ?? field.key, operators };
        switch (kind) {
          case 'number':
          case 'relation':
            return [{ ...base, inputType: 'number', defaultValue: '' }];
          case 'date':
            return [{ ...base, inputType: 'date', defaultValue: '' }];
          case 'select': {
            const values = (field.options?.choices ?? []).map((c) => ({ name: c.value, value: c.value, label: localized(c.label, language) ?? c.value }));
            return [{ ...base, valueEditorType: (operator: string) => (operator === 'in' ? 'multiselect' : 'select'), values, defaultValue: values[0]?.name ?? '' }];
          }
          case 'boolean':
            return [{ ...base, valueEditorType: 'select', values: [{ name: 'true', value: 'true', label: t('lists.yes') }, { name: 'false', value: 'false', label: t('lists.no') }], defaultValue: 'true' }];
          default:
            return [{ ...base, defaultValue: '' }];
        }
      }),
    [fields, language, t],
  );
  const translations = useMemo(
    () => ({
      addRule: { label: `+ ${t('lists.addRule')}`, title: t('lists.addRule') },
      addGroup: { label: `+ ${t('lists.addGroup')}`, title: t('lists.addGroup') },
    }),
    [t],
  );
  const combinators = useMemo(
    () => [
      { name: 'and', value: 'and', label: t('lists.and') },
      { name: 'or', value: 'or', label: t('lists.or') },
    ],
    [t],
  );
  return (
    <div data-testid="filter-builder">
      <QueryBuilderAntD>
        <QueryBuilder
          fields={builderFields}
          query={query}
          onQueryChange={onChange}
          combinators={combinators}
          translations={translations}
          resetOnFieldChange
          controlClassnames={{ queryBuilder: 'queryBuilder-branches' }}
        />
      </QueryBuilderAntD>
    </div>
  );
}

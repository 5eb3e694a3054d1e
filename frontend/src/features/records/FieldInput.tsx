// One input of a transition's small form, per field type (text, numbers, dates, choices,
// yes/no, relations searched by title); values round-trip through transitionValues.ts.

import { useQuery } from '@tanstack/react-query';
import { DatePicker, Input, InputNumber, Select, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../api/meta';
import { listRecords } from '../../api/records';
import { useEntityDefinition } from '../../app/queries';
import { localized } from '../../i18n/localized';
import { DATE_TYPES, DATETIME_TYPES, NUMBER_TYPES } from './transitionValues';

interface Props {
  field: FieldDefinition;
  id: string;
  value?: unknown;
  onChange?: (value: unknown) => void;
}

function RelationInput({ field, id, value, onChange }: Props) {
  const target = String(field.options?.target ?? '');
  const definition = useEntityDefinition(target);
  const [q, setQ] = useState('');
  const titleField = definition.data?.title_field ?? 'id';
  const options = useQuery({
    queryKey: ['records', target, 'options', q],
    queryFn: ({ signal }) => listRecords(target, { q: q || undefined, limit: 20, total: false }, signal),
    enabled: Boolean(target && definition.data),
  });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      loading={options.isFetching}
      value={value as number | undefined}
      onChange={(next) => onChange?.(next ?? null)}
      options={(options.data?.items ?? []).map((item) => ({ value: item.id, label: String(item[titleField] ?? `#${item.id}`) }))}
    />
  );
}

export function FieldInput(props: Props) {
  const { i18n } = useTranslation();
  const { field, id, value, onChange } = props;
  if (field.type === 'relation') return <RelationInput {...props} />;
  if (DATE_TYPES.has(field.type) || DATETIME_TYPES.has(field.type)) {
    return (
      <DatePicker
        id={id}
        showTime={DATETIME_TYPES.has(field.type)}
        value={value as never}
        onChange={(next) => onChange?.(next)}
        style={{ width: '100%' }}
      />
    );
  }
  if (NUMBER_TYPES.has(field.type)) {
    return (
      <InputNumber
        id={id}
        value={value as number | undefined}
        onChange={(next) => onChange?.(next)}
        style={{ width: '100%' }}
        prefix={field.type === 'currency' ? String(field.options?.currency ?? '') : undefined}
        suffix={field.type === 'percent' ? '%' : undefined}
      />
    );
  }
  if (field.type === 'select' || field.type === 'multi_select' || field.type === 'tags') {
    return (
      <Select
        id={id}
        allowClear
        mode={field.type === 'select' ? undefined : 'multiple'}
        value={value as string | undefined}
        onChange={(next) => onChange?.(next)}
        options={(field.options?.choices ?? []).map((c) => ({ value: c.value, label: localized(c.label, i18n.language) ?? c.value }))}
      />
    );
  }
  if (field.type === 'boolean') return <Switch id={id} checked={Boolean(value)} onChange={(next) => onChange?.(next)} />;
  if (field.type === 'long_text' || field.type === 'rich_text') {
    return <Input.TextArea id={id} rows={3} value={value as string | undefined} onChange={(e) => onChange?.(e.target.value)} />;
  }
  return <Input id={id} value={value as string | undefined} onChange={(e) => onChange?.(e.target.value)} />;
}

// relation and user: a searchable Select whose options come from
// `GET /api/forms/{form}/fields/{field}/options?q=`, showing the current value's title
// from the record's `_refs` until the options are loaded. `many` selects several.

import { Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchFieldOptions, type OptionItem } from '../../api/forms';
import type { RefTitle } from '../types';
import type { LoomWidgetProps } from './types';

type Id = number | string;
const SEARCH_DELAY_MS = 250;

function idsOf(value: unknown): Id[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list
    .map((v: unknown) => (typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : v))
    .filter((v): v is Id => typeof v === 'number' || typeof v === 'string');
}

function refsOf(ref: RefTitle | RefTitle[] | undefined): RefTitle[] {
  if (!ref) return [];
  return Array.isArray(ref) ? ref : [ref];
}

function useOptions(formKey: string, field: string) {
  const [items, setItems] = useState<OptionItem[]>([]);
  const [loading, setLoading] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const search = (q: string, delay = SEARCH_DELAY_MS) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setLoading(true);
      fetchFieldOptions(formKey, field, q, current.signal)
        .then((page) => setItems(page.items))
        .catch(() => setItems([]))
        .finally(() => {
          if (controller.current === current) setLoading(false);
        });
    }, delay);
  };
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      controller.current?.abort();
    },
    [],
  );
  return { items, loading, search };
}

export function RemoteSelectWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  const many = props.options.many === true || props.schema.type === 'array';
  const { items, loading, search } = useOptions(props.context.formKey, props.fieldKey);
  const known = useRef(new Map<Id, string>());
  for (const ref of refsOf(props.context.refs[props.path])) {
    if (!known.current.has(ref.id)) known.current.set(ref.id, ref.title ?? t('widgets.unknownRecord', { id: ref.id }));
  }
  for (const item of items) known.current.set(item.id, item.title ?? t('widgets.unknownRecord', { id: item.id }));
  const selected = idsOf(props.value);
  const options = useMemo(() => {
    const listed = items.map((item) => ({ value: item.id, label: known.current.get(item.id) ?? String(item.id) }));
    const missing = selected
      .filter((id) => !items.some((item) => item.id === id))
      .map((id) => ({ value: id, label: known.current.get(id) ?? t('widgets.unknownRecord', { id }) }));
    return [...missing, ...listed];
  }, [items, selected, t]);
  const disabled = props.readonly || props.disabled;
  return (
    <Select<Id | Id[]>
      id={props.id}
      aria-label={props.label}
      aria-required={props.required}
      style={{ width: '100%' }}
      mode={many ? 'multiple' : undefined}
      allowClear={!props.required}
      showSearch={{ filterOption: false, onSearch: (q: string) => search(q) }}
      value={many ? selected : selected[0]}
      options={options}
      loading={loading}
      disabled={disabled}
      placeholder={props.placeholder ?? t('widgets.search')}
      status={props.hasError ? 'error' : undefined}
      notFoundContent={loading ? <Spin size="small" /> : t('widgets.noMatches')}
      onOpenChange={(open) => {
        if (open && !disabled) search('', 0);
      }}
      onChange={(next) => {
        if (Array.isArray(next)) props.onChange(next.length ? next : undefined);
        else props.onChange(next ?? undefined);
      }}
      onBlur={props.onBlur}
    />
  );
}

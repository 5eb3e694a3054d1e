// select, multi_select, tags and radio: antd Select (or Radio) over the field's choices,
// shown with their labels and, where a choice has a color, as a colored tag.

import { Radio, Select, Tag } from 'antd';
import type { ReactNode } from 'react';
import type { Choice } from '../types';
import type { LoomWidgetProps } from './types';

function choicesOf(props: LoomWidgetProps): Choice[] {
  if (Array.isArray(props.options.choices) && props.options.choices.length) return props.options.choices;
  const values = props.schema.enum ?? props.schema.items?.enum ?? [];
  return values.filter((v): v is string => typeof v === 'string').map((value) => ({ value }));
}

function choiceLabel(choice: Choice): ReactNode {
  const text = choice.label ?? choice.value;
  return choice.color ? (
    <Tag color={choice.color} style={{ marginInlineEnd: 0 }}>
      {text}
    </Tag>
  ) : (
    text
  );
}

function options(choices: Choice[]) {
  return choices.map((choice) => ({ value: choice.value, label: choiceLabel(choice), title: choice.label ?? choice.value }));
}

export function SelectWidget(props: LoomWidgetProps) {
  const choices = choicesOf(props);
  return (
    <Select<string>
      id={props.id}
      aria-label={props.label}
      aria-required={props.required}
      style={{ width: '100%' }}
      allowClear={!props.required}
      showSearch={{ optionFilterProp: 'title' }}
      value={typeof props.value === 'string' ? props.value : undefined}
      options={options(choices)}
      disabled={props.readonly || props.disabled}
      placeholder={props.placeholder}
      status={props.hasError ? 'error' : undefined}
      onChange={(value) => props.onChange(value ?? undefined)}
      onBlur={props.onBlur}
    />
  );
}

export function MultiSelectWidget(props: LoomWidgetProps) {
  const tags = props.options.field_type === 'tags';
  const value = Array.isArray(props.value) ? props.value.filter((v): v is string => typeof v === 'string') : [];
  return (
    <Select<string[]>
      id={props.id}
      aria-label={props.label}
      aria-required={props.required}
      mode={tags ? 'tags' : 'multiple'}
      style={{ width: '100%' }}
      allowClear
      value={value}
      options={tags ? options(choicesOf(props)) : options(choicesOf(props))}
      optionFilterProp="title"
      disabled={props.readonly || props.disabled}
      placeholder={props.placeholder}
      status={props.hasError ? 'error' : undefined}
      onChange={(next) => props.onChange(next.length ? next : undefined)}
      onBlur={props.onBlur}
    />
  );
}

export function RadioWidget(props: LoomWidgetProps) {
  return (
    <Radio.Group
      id={props.id}
      aria-label={props.label}
      value={props.value}
      disabled={props.readonly || props.disabled}
      onChange={(event) => props.onChange(event.target.value)}
      options={choicesOf(props).map((c) => ({ value: c.value, label: c.label ?? c.value }))}
    />
  );
}

// rating (antd Rate), boolean (Switch) and the read-only display of computed and system
// fields (auto_number, formula, rollup, created_at, ...).

import { Rate, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { LoomWidgetProps } from './types';

export function RatingWidget(props: LoomWidgetProps) {
  const max = typeof props.options.max === 'number' ? props.options.max : 5;
  return (
    <Rate
      id={props.id}
      aria-label={props.label}
      count={max}
      value={typeof props.value === 'number' ? props.value : 0}
      disabled={props.readonly || props.disabled}
      onChange={(value) => props.onChange(value === 0 ? undefined : value)}
    />
  );
}

export function BooleanWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  return (
    <Switch
      id={props.id}
      aria-label={props.label}
      checked={props.value === true}
      checkedChildren={t('widgets.yes')}
      unCheckedChildren={t('widgets.no')}
      disabled={props.readonly || props.disabled}
      onChange={(checked) => props.onChange(checked)}
    />
  );
}

const DATETIME_TYPES = new Set(['created_at', 'updated_at', 'datetime']);

/** A value as text for display only. */
export function displayValue(value: unknown, fieldType: string | undefined, empty: string): string {
  if (value === null || value === undefined || value === '') return empty;
  if (typeof value === 'string' && fieldType && DATETIME_TYPES.has(fieldType)) {
    const when = dayjs(value);
    return when.isValid() ? when.format('YYYY-MM-DD HH:mm') : value;
  }
  if (Array.isArray(value)) return value.map((v) => displayValue(v, fieldType, empty)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function ReadOnlyWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  const ref = props.context.refs[props.path];
  const text =
    ref && !Array.isArray(ref) && ref.title
      ? ref.title
      : displayValue(props.value, props.options.field_type, t('widgets.empty'));
  return (
    <Typography.Text id={props.id} aria-label={props.label} aria-readonly="true">
      {text}
    </Typography.Text>
  );
}

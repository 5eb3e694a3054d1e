// integer, decimal, currency, percent and duration (minutes): antd InputNumber with the
// field's scale, currency prefix, % or minutes suffix.

import { InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LoomWidgetProps } from './types';

const CURRENCY_SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: 'HK$' };

function precisionOf(props: LoomWidgetProps): number | undefined {
  const type = props.options.field_type;
  if (type === 'integer' || type === 'duration' || type === 'rating' || props.schema.type === 'integer') return 0;
  return typeof props.options.scale === 'number' ? props.options.scale : undefined;
}

function bound(value: unknown): number | undefined {
  return typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;
}

export function NumberWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  const type = props.options.field_type;
  const currency = typeof props.options.currency === 'string' ? props.options.currency : undefined;
  const prefix = type === 'currency' && currency ? (CURRENCY_SYMBOLS[currency] ?? currency) : undefined;
  const suffix = type === 'percent' ? '%' : type === 'duration' ? t('widgets.minutes') : undefined;
  const precision = precisionOf(props);
  return (
    <InputNumber<number>
      id={props.id}
      aria-label={props.label}
      aria-required={props.required}
      aria-invalid={props.hasError}
      style={{ width: '100%' }}
      value={typeof props.value === 'number' ? props.value : null}
      precision={precision}
      step={precision ? 1 / 10 ** precision : 1}
      min={bound(props.schema.minimum)}
      max={bound(props.schema.maximum)}
      prefix={prefix}
      suffix={suffix}
      readOnly={props.readonly}
      disabled={props.disabled}
      placeholder={props.placeholder}
      onChange={(value) => props.onChange(value === null ? undefined : value)}
      onBlur={props.onBlur}
    />
  );
}

// text, email, phone, url and long_text: antd inputs with the right input type.

import { Input } from 'antd';
import { textOrUndefined, type LoomWidgetProps } from './types';

const INPUT_TYPES: Record<string, string> = { email: 'email', phone: 'tel', url: 'url' };

function maxLength(props: LoomWidgetProps): number | undefined {
  const limit = props.schema.maxLength;
  return typeof limit === 'number' ? limit : undefined;
}

export function TextWidget(props: LoomWidgetProps) {
  const type = INPUT_TYPES[props.options.field_type ?? ''] ?? 'text';
  return (
    <Input
      id={props.id}
      type={type}
      aria-label={props.label}
      aria-required={props.required}
      aria-invalid={props.hasError}
      value={typeof props.value === 'string' || typeof props.value === 'number' ? String(props.value) : ''}
      readOnly={props.readonly}
      disabled={props.disabled}
      placeholder={props.placeholder}
      maxLength={maxLength(props)}
      autoComplete={type === 'email' ? 'email' : type === 'tel' ? 'tel' : undefined}
      onChange={(event) => props.onChange(textOrUndefined(event.target.value))}
      onBlur={props.onBlur}
    />
  );
}

export function LongTextWidget(props: LoomWidgetProps) {
  return (
    <Input.TextArea
      id={props.id}
      aria-label={props.label}
      aria-required={props.required}
      aria-invalid={props.hasError}
      value={typeof props.value === 'string' ? props.value : ''}
      readOnly={props.readonly}
      disabled={props.disabled}
      placeholder={props.placeholder}
      autoSize={{ minRows: 3, maxRows: 12 }}
      onChange={(event) => props.onChange(textOrUndefined(event.target.value))}
      onBlur={props.onBlur}
    />
  );
}

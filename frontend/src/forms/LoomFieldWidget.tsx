// The single rjsf widget of every field: it adapts rjsf's WidgetProps to LoomWidgetProps
// and picks the Loomworks widget of the field's type (widgets/registry.ts).

import type { WidgetProps } from '@rjsf/utils';
import type { LoomFormContext } from './context';
import type { JsonSchema } from './types';
import { widgetFor } from './widgets/registry';

export function LoomFieldWidget(props: WidgetProps) {
  const context = props.registry.formContext as LoomFormContext;
  const key = props.name;
  const ui = context.fieldUi(key);
  const schema = props.schema as unknown as JsonSchema;
  const Widget = widgetFor(ui, schema);
  return (
    <Widget
      id={props.id}
      path={key}
      fieldKey={key}
      value={props.value}
      onChange={(value) => props.onChange(value)}
      onBlur={() => props.onBlur(props.id, props.value)}
      label={props.label || key}
      required={props.required ?? false}
      readonly={props.readonly ?? false}
      disabled={props.disabled ?? false}
      placeholder={props.placeholder || undefined}
      schema={schema}
      ui={ui}
      options={ui['ui:options'] ?? {}}
      context={context}
      hasError={Boolean(props.rawErrors?.length)}
    />
  );
}

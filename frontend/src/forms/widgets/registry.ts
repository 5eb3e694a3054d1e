// One widget per Loomworks field type (docs/forms.md: `ui:options.field_type` picks it,
// `ui:widget` overrides). Adding a field type means adding one entry here.

import type { FieldUi, JsonSchema } from '../types';
import { AttachmentWidget } from './AttachmentWidget';
import { MultiSelectWidget, RadioWidget, SelectWidget } from './ChoiceWidgets';
import { DateTimeWidget, DateWidget } from './DateWidgets';
import { NumberWidget } from './NumberWidgets';
import { RemoteSelectWidget } from './RemoteSelectWidget';
import { RichTextWidget } from './RichTextWidget';
import { BooleanWidget, RatingWidget, ReadOnlyWidget } from './SimpleWidgets';
import { SubTableWidget } from './SubTableWidget';
import { LongTextWidget, TextWidget } from './TextWidgets';
import type { LoomWidget } from './types';

let widgets: Record<string, LoomWidget> | null = null;

/** Built on first use: SubTableWidget imports this module back. */
function widgetMap(): Record<string, LoomWidget> {
  widgets ??= {
    text: TextWidget,
    email: TextWidget,
    phone: TextWidget,
    url: TextWidget,
    long_text: LongTextWidget,
    textarea: LongTextWidget,
    rich_text: RichTextWidget,
    integer: NumberWidget,
    decimal: NumberWidget,
    number: NumberWidget,
    currency: NumberWidget,
    percent: NumberWidget,
    duration: NumberWidget,
    rating: RatingWidget,
    boolean: BooleanWidget,
    switch: BooleanWidget,
    checkbox: BooleanWidget,
    select: SelectWidget,
    radio: RadioWidget,
    multi_select: MultiSelectWidget,
    tags: MultiSelectWidget,
    date: DateWidget,
    datetime: DateTimeWidget,
    relation: RemoteSelectWidget,
    user: RemoteSelectWidget,
    attachment: AttachmentWidget,
    sub_table: SubTableWidget,
    readonly: ReadOnlyWidget,
  };
  return widgets;
}

function bySchema(schema: JsonSchema): LoomWidget {
  const map = widgetMap();
  if (schema.type === 'boolean') return map.boolean;
  if (schema.type === 'integer' || schema.type === 'number') return map.number;
  if (schema.type === 'array') return schema.items?.type === 'object' ? map.sub_table : map.multi_select;
  if (schema.format === 'date') return map.date;
  if (schema.format === 'date-time') return map.datetime;
  return schema.enum ? map.select : map.text;
}

export function widgetFor(ui: FieldUi, schema: JsonSchema): LoomWidget {
  const map = widgetMap();
  const fieldType = ui['ui:options']?.field_type;
  // The server marks every type whose value it computes (formulas, rollups, audit fields...).
  if (schema.readOnly === true) return map.readonly;
  const override = ui['ui:widget'];
  if (override && map[override]) return map[override];
  if (fieldType && map[fieldType]) return map[fieldType];
  return bySchema(schema);
}

// sub_table: an editable grid of rows (antd Table), each cell the child field's own widget;
// rows are added and removed with buttons, and each cell shows its own error
// (`data-field-error="lines.0.qty"`) from the form's error map.

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { fieldUi, subTableColumns } from '../schema';
import { FieldErrorText } from '../templates/FieldErrorText';
import type { FormValues, JsonSchema } from '../types';
import { widgetFor } from './registry';
import type { LoomWidgetProps } from './types';

type Row = FormValues;

function rowsOf(value: unknown): Row[] {
  return Array.isArray(value) ? value.map((r: unknown) => (typeof r === 'object' && r !== null ? (r as Row) : {})) : [];
}

export function SubTableWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  const rows = rowsOf(props.value);
  const itemSchema: JsonSchema = props.schema.items ?? {};
  const childSchemas = itemSchema.properties ?? {};
  const required = new Set(itemSchema.required ?? []);
  const itemsUi = props.ui.items ?? {};
  const editable = !props.readonly && !props.disabled;
  const maxRows = typeof props.schema.maxItems === 'number' ? props.schema.maxItems : undefined;

  const update = (next: Row[]) => props.onChange(next.length ? next : undefined);
  const setCell = (index: number, column: string, value: unknown) => {
    const next = rows.map((row, i) => {
      if (i !== index) return row;
      const copy = { ...row };
      if (value === undefined) delete copy[column];
      else copy[column] = value;
      return copy;
    });
    update(next);
  };

  const columns: ColumnsType<Row> = subTableColumns(props.schema, props.ui).map((column) => {
    const schema = childSchemas[column] ?? {};
    const ui = fieldUi(itemsUi, column);
    const Widget = widgetFor(ui, schema);
    const title = schema.title ?? column;
    return {
      key: column,
      title: (
        <span>
          {required.has(column) && <span aria-hidden="true" style={{ color: '#ff4d4f' }}>* </span>}
          {title}
        </span>
      ),
      render: (_: unknown, row: Row, index: number) => {
        const path = `${props.path}.${index}.${column}`;
        const error = props.context.errors[path];
        return (
          <div>
            <Widget
              id={`${props.id}_${index}_${column}`}
              path={path}
              fieldKey={`${props.fieldKey}.${column}`}
              value={row[column]}
              onChange={(value) => setCell(index, column, value)}
              label={`${title} (${t('widgets.row')} ${index + 1})`}
              required={required.has(column)}
              readonly={!editable || ui['ui:readonly'] === true || schema.readOnly === true}
              disabled={props.disabled}
              schema={schema}
              ui={ui}
              options={ui['ui:options'] ?? {}}
              context={props.context}
              hasError={Boolean(error)}
            />
            {error && <FieldErrorText path={path} message={error} />}
          </div>
        );
      },
    };
  });
  if (editable) {
    columns.push({
      key: '__actions',
      width: 56,
      render: (_: unknown, _row: Row, index: number) => (
        <Button
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('widgets.removeRow', { index: index + 1 })}
          onClick={() => update(rows.filter((_r, i) => i !== index))}
        />
      ),
    });
  }
  return (
    <div id={props.id} role="group" aria-label={props.label}>
      <Table<Row>
        size="small"
        columns={columns}
        dataSource={rows}
        rowKey={(row) => String(rows.indexOf(row))}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('widgets.empty') }}
      />
      {editable && (
        <Button
          icon={<PlusOutlined />}
          style={{ marginTop: 8 }}
          disabled={maxRows !== undefined && rows.length >= maxRows}
          onClick={() => update([...rows, {}])}
        >
          {t('widgets.addRow')}
        </Button>
      )}
    </div>
  );
}

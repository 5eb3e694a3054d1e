// The small form a transition asks for before a card moves (e.g. a proposal's amount and
// expected close, a lost deal's reason, a required comment), with inputs per field type.

import { DatePicker, Form, Input, InputNumber, Modal, Select, type ButtonProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { EntityDefinition, FieldDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';
import type { Transition } from '../../api/workflows';
import { localized } from '../../i18n/localized';

const NUMERIC = new Set(['number', 'integer', 'decimal', 'currency', 'percent']);

/** The props antd's Form.Item gives its child (id, value, onChange…): passed on to the widget,
 * or the input has no id for its label and the form never sees what is typed. */
type ControlProps = Record<string, unknown>;

function FieldInput({ field, language, ...control }: { field: FieldDefinition; language: string } & ControlProps) {
  if (NUMERIC.has(field.type)) return <InputNumber {...control} style={{ width: '100%' }} />;
  if (field.type === 'date') return <DatePicker {...control} style={{ width: '100%' }} format="YYYY-MM-DD" />;
  if (field.type === 'datetime') return <DatePicker {...control} showTime style={{ width: '100%' }} />;
  if (field.type === 'select')
    return (
      <Select
        {...control}
        options={(field.options?.choices ?? []).map((c) => ({ value: c.value, label: localized(c.label, language) ?? c.value }))}
      />
    );
  if (field.type === 'long_text' || field.type === 'rich_text') return <Input.TextArea {...control} rows={3} />;
  return <Input {...control} />;
}

function initialValue(field: FieldDefinition, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (field.type === 'date' || field.type === 'datetime') return dayjs(String(value));
  return value;
}

function outgoing(field: FieldDefinition, value: unknown): unknown {
  if (dayjs.isDayjs(value)) return field.type === 'date' ? (value as Dayjs).format('YYYY-MM-DD') : (value as Dayjs).toISOString();
  return value ?? null;
}

interface Props {
  entity: EntityDefinition;
  record: RecordData;
  transition: Transition;
  onSubmit: (body: { fields: Record<string, unknown>; comment?: string }) => void;
  onCancel: () => void;
}

export function TransitionModal({ entity, record, transition, onSubmit, onCancel }: Props) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm();
  const fields = transition.fields
    .map((f) => ({ spec: f, def: entity.fields.find((d) => d.key === f.key) }))
    .filter((f): f is { spec: Transition['fields'][number]; def: FieldDefinition } => f.def !== undefined);
  const initial = Object.fromEntries(fields.map(({ def }) => [def.key, initialValue(def, record[def.key])]));
  const title = String(record[entity.title_field ?? 'name'] ?? `#${record.id}`);
  const submit = async () => {
    const values = (await form.validateFields()) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const { def } of fields) out[def.key] = outgoing(def, values[def.key]);
    const comment = typeof values._comment === 'string' && values._comment ? values._comment : undefined;
    onSubmit({ fields: out, comment });
  };
  return (
    <Modal
      open
      title={t('boards.modalTitle', { transition: localized(transition.label, i18n.language) ?? transition.key, title })}
      okText={t('boards.confirm')}
      cancelText={t('boards.cancel')}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onCancel}
      okButtonProps={{ 'data-testid': 'transition-confirm' } as ButtonProps}
      destroyOnHidden
    >
      <Form form={form} name="transition" layout="vertical" initialValues={initial} data-testid="transition-form">
        {fields.map(({ spec, def }) => (
          <Form.Item
            key={def.key}
            name={def.key}
            label={localized(def.label, i18n.language) ?? def.key}
            rules={spec.required || def.required ? [{ required: true, message: t('boards.required') }] : []}
            data-testid={`transition-field-${def.key}`}
          >
            <FieldInput field={def} language={i18n.language} />
          </Form.Item>
        ))}
        {transition.comment !== 'none' && transition.comment && (
          <Form.Item
            name="_comment"
            label={t('boards.comment')}
            rules={transition.comment === 'required' ? [{ required: true, message: t('boards.required') }] : []}
          >
            <Input.TextArea rows={2} data-testid="transition-comment" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

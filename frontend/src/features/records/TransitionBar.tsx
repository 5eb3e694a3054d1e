// The workflow transitions a record offers the caller, as buttons: one whose guard is not
// met is disabled with the reason; one that asks for fields or a comment opens a small
// form; an answer that needs approval says so (the approval panel then shows its steps).

import { Alert, App, Button, Form, Input, Modal, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import type { EntityDefinition, FieldDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';
import { takeTransition, type Transition } from '../../api/workflows';
import { localized } from '../../i18n/localized';
import { FieldInput } from './FieldInput';
import { initialInputs, splitTransitionErrors, transitionFields } from './transitionValues';

interface Props {
  definition: EntityDefinition;
  record: RecordData;
  transitions: Transition[];
  onDone: () => void;
}

function TransitionModal({ definition, record, transition, onClose, onDone }: {
  definition: EntityDefinition;
  record: RecordData;
  transition: Transition;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const fields: (FieldDefinition & { required?: boolean })[] = transition.fields.map((asked) => ({
    ...(definition.fields.find((f) => f.key === asked.key) ?? { key: asked.key, type: 'text', label: asked.key }),
    required: asked.required,
  }));
  const label = localized(transition.label, i18n.language) ?? transition.key;

  const submit = async () => {
    let inputs: Record<string, unknown>;
    try {
      inputs = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setGeneral([]);
    try {
      const comment = typeof inputs.__comment === 'string' && inputs.__comment.trim() ? inputs.__comment.trim() : undefined;
      const result = await takeTransition(definition.key, record.id, transition.key, {
        fields: fields.length ? transitionFields(fields, inputs) : undefined,
        comment,
      });
      if (result && typeof result === 'object' && 'approval' in result) message.info(t('records.awaitingApproval'));
      else message.success(label);
      onDone();
      onClose();
    } catch (error) {
      if (isApiError(error) && error.details.length) {
        const split = splitTransitionErrors(error.details, fields.map((f) => f.key));
        form.setFields(Object.entries(split.byField).map(([name, text]) => ({ name: name === 'comment' ? '__comment' : name, errors: [text] })));
        setGeneral(split.general.length || Object.keys(split.byField).length ? split.general : [error.message]);
      } else {
        setGeneral([error instanceof Error ? error.message : String(error)]);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={label}
      okText={t('records.submit')}
      cancelText={t('records.cancel')}
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'transition-submit' } as never}
      destroyOnHidden
    >
      <div data-testid="transition-modal">
        {general.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={general.join('; ')} />}
        <Form form={form} layout="vertical" initialValues={initialInputs(fields, record)} onFinish={() => void submit()}>
          {fields.map((field) => (
            <Form.Item
              key={field.key}
              name={field.key}
              label={localized(field.label, i18n.language) ?? field.key}
              rules={field.required ? [{ required: true, message: `${localized(field.label, i18n.language) ?? field.key} ${t('records.fieldRequired')}` }] : []}
              valuePropName={field.type === 'boolean' ? 'value' : 'value'}
            >
              <FieldInput field={field} id={`transition-${field.key}`} />
            </Form.Item>
          ))}
          {transition.comment !== 'none' && (
            <Form.Item
              name="__comment"
              label={t('records.comment')}
              rules={transition.comment === 'required' ? [{ required: true, whitespace: true, message: t('records.commentRequired') }] : []}
            >
              <Input.TextArea id="transition-comment" rows={3} />
            </Form.Item>
          )}
        </Form>
      </div>
    </Modal>
  );
}

export function TransitionBar({ definition, record, transitions, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<Transition | null>(null);
  if (!transitions.length) return null;
  return (
    <>
      <Space wrap data-testid="transitions">
        {transitions.map((transition) => {
          const label = localized(transition.label, i18n.language) ?? transition.key;
          const reason = typeof transition.reason === 'string' ? transition.reason : localized(transition.reason ?? null, i18n.language);
          const button = (
            <Button
              key={transition.key}
              data-testid={`transition-${transition.key}`}
              disabled={!transition.guard_met}
              onClick={() => setOpen(transition)}
            >
              {label}
            </Button>
          );
          return transition.guard_met ? (
            button
          ) : (
            <Tooltip key={transition.key} title={reason || t('records.guardNotMet')}>
              <span tabIndex={0} aria-label={`${label}: ${reason || t('records.guardNotMet')}`}>{button}</span>
            </Tooltip>
          );
        })}
      </Space>
      {open && <TransitionModal definition={definition} record={record} transition={open} onClose={() => setOpen(null)} onDone={onDone} />}
    </>
  );
}

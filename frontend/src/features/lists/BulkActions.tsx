// What can be done to the chosen rows of a list: change one field on all of them, or move them
// to the trash (with Undo through restore). The server writes each row on its own, so refused
// rows are listed with their reason while the others go through.

import { Alert, Button, type ButtonProps, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Typography, message } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import type { FieldDefinition } from '../../api/meta';
import type { RecordId } from '../../api/records';
import { localized } from '../../i18n/localized';
import { bulkChange, type BulkAnswer, type BulkRowError } from './bulk';

const EDITABLE = new Set(['text', 'email', 'url', 'phone', 'number', 'integer', 'decimal', 'currency', 'percent', 'select', 'boolean', 'date']);

interface Props {
  entity: string;
  fields: FieldDefinition[];
  /** The user's grants on the entity: an action they lack is not offered. */
  canUpdate: boolean;
  canDelete: boolean;
  selected: RecordId[];
  onDone: () => void;
}

function ValueInput({ field, value, onChange }: { field: FieldDefinition; value: unknown; onChange: (v: unknown) => void }) {
  const { i18n } = useTranslation();
  if (field.type === 'select')
    return (
      <Select
        data-testid="bulk-value"
        style={{ width: 240 }}
        value={value as string | undefined}
        onChange={onChange}
        options={(field.options?.choices ?? []).map((c) => ({ value: c.value, label: localized(c.label, i18n.language) ?? c.value }))}
      />
    );
  if (field.type === 'boolean') return <Switch data-testid="bulk-value" checked={Boolean(value)} onChange={onChange} />;
  if (['number', 'integer', 'decimal', 'currency', 'percent'].includes(field.type))
    return <InputNumber data-testid="bulk-value" style={{ width: 240 }} value={value as number | undefined} onChange={onChange} />;
  return (
    <Input
      data-testid="bulk-value"
      style={{ width: 240 }}
      type={field.type === 'date' ? 'date' : 'text'}
      value={(value as string | undefined) ?? ''}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

export function RowErrors({ errors }: { errors: BulkRowError[] }) {
  const { t } = useTranslation();
  if (!errors.length) return null;
  return (
    <Alert
      type="warning"
      data-testid="bulk-errors"
      message={t('lists.rowErrors', { count: errors.length })}
      description={
        <Table
          size="small"
          pagination={false}
          rowKey={(e) => String(e.id)}
          dataSource={errors}
          columns={[
            { title: t('lists.rowErrorId'), dataIndex: 'id' },
            { title: t('lists.rowErrorMessage'), render: (_: unknown, e: BulkRowError) => [e.message, ...e.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message))].join(' — ') },
          ]}
        />
      }
    />
  );
}

export function BulkActions({ entity, fields, canUpdate, canDelete, selected, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const [messages, holder] = message.useMessage();
  const [editing, setEditing] = useState(false);
  const [fieldKey, setFieldKey] = useState<string | undefined>();
  const [value, setValue] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<BulkRowError[]>([]);
  const editable = fields.filter((f) => EDITABLE.has(f.type) && !f.readonly);
  const field = editable.find((f) => f.key === fieldKey);

  async function run(action: BulkAnswer['action'], ids: RecordId[], values?: Record<string, unknown>): Promise<BulkAnswer | null> {
    setBusy(true);
    try {
      const answer = await bulkChange(entity, action, ids, values);
      setErrors(answer.errors);
      onDone();
      return answer;
    } catch (error) {
      void messages.error(isApiError(error) ? error.message : String(error));
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function applyEdit() {
    if (!field) return;
    const answer = await run('update', selected, { [field.key]: value ?? null });
    if (answer) {
      setEditing(false);
      void messages.success(t('lists.updated', { count: answer.succeeded.length }));
    }
  }

  async function remove() {
    const answer = await run('delete', [...selected]);
    if (!answer) return;
    const gone = answer.succeeded;
    if (gone.length === 0) return; // every row refused: the reasons are listed, nothing to undo
    const key = 'bulk-deleted';
    void messages.open({
      key,
      type: 'success',
      duration: 8,
      content: (
        <Space>
          <span data-testid="bulk-deleted">{t('lists.deleted', { count: answer.succeeded.length })}</span>
          {gone.length > 0 && (
            <Button
              size="small"
              type="link"
              data-testid="bulk-undo"
              onClick={() => {
                messages.destroy(key);
                void run('restore', gone).then((restored) => restored && void messages.success(t('lists.restored', { count: restored.succeeded.length })));
              }}
            >
              {t('lists.undo')}
            </Button>
          )}
        </Space>
      ),
    });
  }

  return (
    <>
      {holder}
      {selected.length > 0 && (
        <Space wrap data-testid="bulk-actions">
          <Typography.Text>{t('lists.selected', { count: selected.length })}</Typography.Text>
          {canUpdate && (
            <Button data-testid="bulk-edit" onClick={() => setEditing(true)} disabled={busy || editable.length === 0}>
              {t('lists.bulkEdit')}
            </Button>
          )}
          {canDelete && (
            <Popconfirm
              title={t('lists.confirmDelete', { count: selected.length })}
              description={t('lists.confirmDeleteHint')}
              okText={t('lists.yes')}
              cancelText={t('lists.cancel')}
              okButtonProps={{ 'data-testid': 'bulk-delete-confirm' } as ButtonProps}
              onConfirm={() => void remove()}
            >
              <Button danger data-testid="bulk-delete" disabled={busy}>
                {t('lists.bulkDelete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      )}
      <RowErrors errors={errors} />
      <Modal
        open={editing}
        title={t('lists.bulkEdit')}
        okText={t('lists.apply')}
        cancelText={t('lists.cancel')}
        okButtonProps={{ disabled: !field, loading: busy, 'data-testid': 'bulk-apply' } as ButtonProps}
        onOk={() => void applyEdit()}
        onCancel={() => setEditing(false)}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <label>
            {t('lists.bulkField')}{' '}
            <Select
              data-testid="bulk-field"
              aria-label={t('lists.bulkField')}
              style={{ width: 240 }}
              value={fieldKey}
              onChange={(key: string) => {
                setFieldKey(key);
                setValue(undefined);
              }}
              showSearch
              optionFilterProp="label"
              options={editable.map((f) => ({ value: f.key, label: localized(f.label, i18n.language) ?? f.key }))}
            />
          </label>
          {field && (
            <label>
              {t('lists.bulkValue')} <ValueInput field={field} value={value} onChange={setValue} />
            </label>
          )}
        </Space>
      </Modal>
    </>
  );
}

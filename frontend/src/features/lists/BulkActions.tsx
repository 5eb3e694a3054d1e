// What can be done to the selected rows at once: set one field to one value, or delete
// them (soft, with Undo). Each record goes the one write path on the server on its own,
// so the ones refused are reported by id with the reason while the others change.

import { App, Button, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { EntityDefinition } from '../../api/meta';
import { recordsPath } from '../../api/records';
import { localized } from '../../i18n/localized';
import { FieldInput } from '../records/FieldInput';
import { transitionFields } from '../records/transitionValues';

interface BulkAnswer {
  action: string;
  succeeded: (string | number)[];
  failed: number;
  errors: { id: string | number; message: string }[];
}

const NOT_EDITABLE = new Set(['formula', 'rollup', 'auto_number', 'created_at', 'updated_at', 'created_by', 'updated_by', 'sub_table', 'attachment']);

interface Props {
  entity: EntityDefinition;
  ids: React.Key[];
  onDone: () => void;
}

export function BulkActions({ entity, ids, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const { message, modal, notification } = App.useApp();
  const [editing, setEditing] = useState(false);
  const [fieldKey, setFieldKey] = useState<string | null>(null);
  const [value, setValue] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editable = entity.fields.filter((f) => !NOT_EDITABLE.has(f.type) && !f.readonly);
  const field = editable.find((f) => f.key === fieldKey);

  const run = async (action: 'update' | 'delete' | 'restore', values?: Record<string, unknown>, chosen = ids) => {
    setBusy(true);
    try {
      const answer = await api.post<BulkAnswer>(`${recordsPath(entity.key)}/bulk`, { action, ids: chosen, values });
      if (answer.failed > 0) {
        notification.warning({
          title: t('lists.bulkFailed', { count: answer.failed }),
          description: (
            <ul data-testid="bulk-errors" style={{ paddingInlineStart: 16, margin: 0 }}>
              {answer.errors.map((e) => (
                <li key={String(e.id)}>#{String(e.id)}: {e.message}</li>
              ))}
            </ul>
          ),
          duration: 0,
        });
      }
      return answer;
    } catch (error) {
      void message.error(isApiError(error) ? error.message : String(error));
      return null;
    } finally {
      setBusy(false);
      onDone();
    }
  };

  const applyEdit = async () => {
    if (!field) return;
    const values = transitionFields([field], { [field.key]: value });
    const answer = await run('update', values);
    if (answer && answer.succeeded.length) void message.success(t('lists.bulkDone', { count: answer.succeeded.length }));
    setEditing(false);
  };

  const confirmDelete = () =>
    modal.confirm({
      title: t('lists.confirmDelete', { count: ids.length }),
      content: t('lists.confirmDeleteDetail'),
      okText: t('lists.delete'),
      okButtonProps: { danger: true, 'data-testid': 'bulk-delete-confirm' } as never,
      cancelText: t('lists.cancel'),
      onOk: async () => {
        const answer = await run('delete');
        if (!answer || !answer.succeeded.length) return;
        const deleted = answer.succeeded;
        void message.success({
          content: (
            <Space>
              {t('lists.bulkDeleted', { count: deleted.length })}
              <Button
                size="small"
                type="link"
                data-testid="bulk-undo"
                onClick={() =>
                  void run('restore', undefined, deleted).then((restored) => {
                    if (restored) void message.success(t('lists.restored', { count: restored.succeeded.length }));
                  })
                }
              >
                {t('lists.undo')}
              </Button>
            </Space>
          ),
          duration: 8,
        });
      },
    });

  return (
    <Space wrap data-testid="bulk-actions" style={{ padding: '8px 12px', background: '#f0f5ff', borderRadius: 8, width: '100%' }}>
      <Typography.Text strong>{t('lists.selected', { count: ids.length })}</Typography.Text>
      <Button onClick={() => setEditing(true)} disabled={busy} data-testid="bulk-edit">
        {t('lists.bulkEdit')}
      </Button>
      <Button danger onClick={confirmDelete} disabled={busy} data-testid="bulk-delete">
        {t('lists.bulkDelete')}
      </Button>
      <Modal
        open={editing}
        title={t('lists.bulkEdit')}
        okText={t('lists.bulkApply', { count: ids.length })}
        cancelText={t('lists.cancel')}
        onOk={() => void applyEdit()}
        onCancel={() => setEditing(false)}
        confirmLoading={busy}
        okButtonProps={{ disabled: !field, 'data-testid': 'bulk-apply' } as never}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <label htmlFor="bulk-field">{t('lists.bulkField')}</label>
          <Select
            id="bulk-field"
            data-testid="bulk-field"
            style={{ width: '100%' }}
            value={fieldKey}
            onChange={(key: string) => {
              setFieldKey(key);
              setValue(null);
            }}
            showSearch={{ optionFilterProp: 'label' }}
            options={editable.map((f) => ({ value: f.key, label: localized(f.label, i18n.language) ?? f.key }))}
          />
          {field && (
            <>
              <label htmlFor="bulk-value">{t('lists.bulkValue')}</label>
              <FieldInput field={field} id="bulk-value" value={value} onChange={setValue} />
            </>
          )}
        </Space>
      </Modal>
    </Space>
  );
}

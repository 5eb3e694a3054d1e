// The files of a record's attachment fields: download links, upload more, remove one (the
// field then holds the new list of file ids, saved with the record's _version).

import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Empty, List, Popconfirm, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import { fileUrl, uploadFile } from '../../api/files';
import type { FieldDefinition } from '../../api/meta';
import { updateRecord, type RecordData } from '../../api/records';
import { localized } from '../../i18n/localized';

interface StoredRef {
  id: string;
  name?: string;
}

function filesOf(record: RecordData, field: string): StoredRef[] {
  const value = record[field];
  if (!Array.isArray(value)) return [];
  return value.map((item) => (typeof item === 'object' && item !== null ? (item as StoredRef) : { id: String(item) }));
}

export function AttachmentField({ entity, field, record, onSaved }: { entity: string; field: FieldDefinition; record: RecordData; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const files = filesOf(record, field.key);
  const save = async (ids: string[], done: string) => {
    setBusy(true);
    try {
      await updateRecord(entity, record.id, { [field.key]: ids }, record._version);
      void message.success(done);
      onSaved();
    } catch (error) {
      void message.error(isApiError(error) ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid={`attachments-${field.key}`} style={{ marginBottom: 12 }}>
      <Typography.Text strong>{localized(field.label, i18n.language) ?? field.key}</Typography.Text>
      <List
        size="small"
        dataSource={files}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('records.noFiles')} /> }}
        renderItem={(file) => (
          <List.Item
            actions={[
              <Popconfirm key="remove" title={t('records.removeConfirm')} okText={t('records.yes')} cancelText={t('records.no')}
                onConfirm={() => void save(files.filter((f) => f.id !== file.id).map((f) => f.id), t('records.saved'))}>
                <Button size="small" danger disabled={busy}>{t('records.remove')}</Button>
              </Popconfirm>,
            ]}
          >
            <a href={fileUrl(file.id)} data-testid="attachment-link">{file.name ?? file.id}</a>
          </List.Item>
        )}
      />
      <Upload
        showUploadList={false}
        disabled={busy}
        customRequest={({ file }) => {
          setBusy(true);
          uploadFile(file as File)
            .then((stored) => save([...files.map((f) => f.id), stored.id], t('records.uploaded')))
            .catch((error: unknown) => {
              setBusy(false);
              void message.error(isApiError(error) ? error.message : String(error));
            });
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy} data-testid={`upload-${field.key}`}>{t('records.upload')}</Button>
      </Upload>
    </div>
  );
}

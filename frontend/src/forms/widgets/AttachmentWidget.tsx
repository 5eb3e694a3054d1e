// attachment: antd Upload posting each file (multipart `file`) to /api/files with the
// session's CSRF token; the value is the list of stored files (`{id, name, ...}`).

import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { useTranslation } from 'react-i18next';
import { getCsrfToken } from '../../api/client';
import { fileUrl, UPLOAD_URL, type StoredFile } from '../../api/files';
import { currentLanguage } from '../../i18n';
import type { LoomWidgetProps } from './types';

type FileValue = { id: string; name?: string; [key: string]: unknown };

export function filesOf(value: unknown): FileValue[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((item: unknown): FileValue | null => {
      if (typeof item === 'string') return { id: item };
      if (typeof item === 'object' && item !== null && typeof (item as FileValue).id === 'string') return item as FileValue;
      return null;
    })
    .filter((item): item is FileValue => item !== null);
}

function toUploadFile(file: FileValue): UploadFile {
  return { uid: file.id, name: file.name ?? file.id, status: 'done', url: fileUrl(file.id) };
}

function acceptOf(accept: unknown): string | undefined {
  if (Array.isArray(accept)) return accept.join(',');
  return typeof accept === 'string' ? accept : undefined;
}

export function AttachmentWidget(props: LoomWidgetProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const files = filesOf(props.value);
  const maxFiles = typeof props.options.max_files === 'number' ? props.options.max_files : undefined;
  const disabled = props.readonly || props.disabled;
  const headers: Record<string, string> = { 'Accept-Language': currentLanguage() };
  const token = getCsrfToken();
  if (token) headers['X-CSRF-Token'] = token;
  return (
    <Upload
      id={props.id}
      action={UPLOAD_URL}
      name="file"
      headers={headers}
      withCredentials
      accept={acceptOf(props.options.accept)}
      maxCount={maxFiles}
      disabled={disabled}
      defaultFileList={files.map(toUploadFile)}
      onChange={({ file, fileList }) => {
        if (file.status === 'error') void message.error(t('widgets.uploadFailed', { name: file.name }));
        if (file.status === 'uploading') return;
        const stored = fileList
          .map((item): FileValue | null => {
            const response = item.response as StoredFile | undefined;
            if (response?.id) return { id: response.id, name: response.name };
            const known = files.find((f) => f.id === item.uid);
            return known ?? null;
          })
          .filter((item): item is FileValue => item !== null);
        props.onChange(stored.length ? stored : undefined);
      }}
    >
      {!disabled && (
        <Button icon={<UploadOutlined />} aria-label={`${t('widgets.upload')}: ${props.label}`}>
          {t('widgets.upload')}
        </Button>
      )}
    </Upload>
  );
}

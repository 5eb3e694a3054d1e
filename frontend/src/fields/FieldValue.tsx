// One field value rendered for reading (a list cell, a card line, a related list), per field
// type: choices as coloured tags, relations as links to the record, files as downloads.

import { Rate, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FieldDefinition } from '../api/meta';
import { fileUrl } from '../api/files';
import type { RecordData } from '../api/records';
import { paths } from '../app/paths';
import { choiceColor, choiceLabel, EMPTY, formatValue, refsOf } from './format';

interface Props {
  field: FieldDefinition;
  record: RecordData;
}

export function FieldValue({ field, record }: Props) {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const value = record[field.key];
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <Typography.Text type="secondary">{EMPTY}</Typography.Text>;
  }
  switch (field.type) {
    case 'select':
      return <Tag color={choiceColor(field, value)}>{choiceLabel(field, value, language)}</Tag>;
    case 'multi_select':
    case 'tags':
      return (
        <>
          {(Array.isArray(value) ? value : [value]).map((v) => (
            <Tag key={String(v)} color={choiceColor(field, v)}>
              {choiceLabel(field, v, language)}
            </Tag>
          ))}
        </>
      );
    case 'relation': {
      const target = String(field.options?.target ?? '');
      return (
        <>
          {refsOf(record, field.key).map((ref, index) => (
            <span key={String(ref.id)}>
              {index > 0 && ', '}
              {ref.title === null ? `#${ref.id}` : <Link to={paths.record(target, ref.id)}>{ref.title}</Link>}
            </span>
          ))}
        </>
      );
    }
    case 'email':
      return <a href={`mailto:${String(value)}`}>{String(value)}</a>;
    case 'url':
      return (
        <a href={String(value)} target="_blank" rel="noreferrer noopener">
          {String(value)}
        </a>
      );
    case 'rating':
      return <Rate disabled count={Number(field.options?.max ?? 5)} value={Number(value)} style={{ fontSize: 14 }} />;
    case 'attachment':
      return (
        <>
          {(value as { id: string; name?: string }[]).map((file, index) => (
            <span key={file.id}>
              {index > 0 && ', '}
              <a href={fileUrl(file.id)}>{file.name ?? file.id}</a>
            </span>
          ))}
        </>
      );
    case 'long_text':
    case 'rich_text':
      return <Typography.Text ellipsis={{ tooltip: formatValue(field, record, language) }}>{formatValue(field, record, language)}</Typography.Text>;
    default:
      return <>{formatValue(field, record, language)}</>;
  }
}

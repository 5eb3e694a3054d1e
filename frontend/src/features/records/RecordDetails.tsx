// The record's fields for reading, and an Edit mode that saves through the entity's form
// (its form definition, else the generated one) with the record's _version; a stale
// version (409) asks the user to reload.

import { Alert, Button, Card, Descriptions } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/errors';
import type { EntityDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { FieldValue } from '../../fields/FieldValue';
import { LoomForm } from '../../forms/LoomForm';
import { localized } from '../../i18n/localized';
import { useRenderedForm } from '../forms/useRenderedForm';

const HIDDEN_ON_PAGE = new Set(['attachment', 'sub_table']);

function EditForm({ formKey, id, onSaved, onCancel }: { formKey: string; id: string; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { rendered, loading, error, reload } = useRenderedForm(formKey, id);
  const [conflict, setConflict] = useState(false);
  if (!rendered) return loading ? <Loading /> : <LoadError error={error} onRetry={reload} />;
  const handleError = (failure: ApiError) => {
    if (failure.status !== 409) return false;
    setConflict(true);
    return true;
  };
  return (
    <>
      {conflict && (
        <Alert
          type="warning"
          showIcon
          data-testid="record-conflict"
          title={t('records.conflict')}
          action={<Button size="small" onClick={() => { setConflict(false); reload(); }}>{t('records.reload')}</Button>}
          style={{ marginBottom: 16 }}
        />
      )}
      <LoomForm key={String(rendered.formData?._version ?? '')} rendered={rendered} onError={handleError} onSuccess={onSaved}>
        <Button onClick={onCancel} style={{ marginInlineEnd: 8 }} data-testid="record-cancel-edit">{t('records.cancelEdit')}</Button>
      </LoomForm>
    </>
  );
}

export function RecordDetails({ definition, record, formKey, editable, onSaved }: {
  definition: EntityDefinition;
  record: RecordData;
  formKey: string | null;
  editable: boolean;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState(false);
  return (
    <Card
      title={t('records.details')}
      size="small"
      style={{ marginBottom: 16 }}
      extra={editable && !editing && formKey && <Button onClick={() => setEditing(true)} data-testid="record-edit">{t('records.edit')}</Button>}
    >
      {editing && formKey ? (
        <EditForm formKey={formKey} id={String(record.id)} onCancel={() => setEditing(false)} onSaved={() => { setEditing(false); onSaved(); }} />
      ) : (
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          data-testid="record-fields"
          items={definition.fields
            .filter((field) => !HIDDEN_ON_PAGE.has(field.type))
            .map((field) => ({
              key: field.key,
              label: localized(field.label, i18n.language) ?? field.key,
              children: <span data-field={field.key}><FieldValue field={field} record={record} /></span>,
            }))}
        />
      )}
    </Card>
  );
}

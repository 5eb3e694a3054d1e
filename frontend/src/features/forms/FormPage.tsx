// A signed-in form: `/forms/:key` creates a record (defaults, then `?values=` prefill),
// `/forms/:key/records/:id` edits one (the submit carries its id and _version).

import { Alert, Button, Card, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useParams, useSearchParams } from 'react-router';
import { isApiError, type ApiError } from '../../api/errors';
import { LoadError, Loading } from '../../app/PageStates';
import { loginPath } from '../../app/session';
import { LoomForm } from '../../forms/LoomForm';
import { prefillFromQuery } from './prefill';
import { useRenderedForm } from './useRenderedForm';

function recordId(result: unknown): string {
  const id = typeof result === 'object' && result !== null ? (result as { id?: unknown }).id : undefined;
  return id === undefined || id === null ? '' : String(id);
}

export function FormPage() {
  const { t } = useTranslation();
  const { key = '', id } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const { rendered, loading, error, reload } = useRenderedForm(key, id);
  const [created, setCreated] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [signedOut, setSignedOut] = useState(false);
  const [generation, setGeneration] = useState(0);

  if (signedOut || (isApiError(error) && error.status === 401)) {
    return <Navigate to={loginPath(location.pathname, location.search)} replace />;
  }
  if (!rendered) return loading ? <Loading /> : <LoadError error={error} onRetry={reload} />;
  if (created !== null) {
    return (
      <Result
        status="success"
        title={<span data-testid="form-success" data-record-id={created}>{t('form.created', { id: created })}</span>}
        extra={
          <Button
            type="primary"
            onClick={() => {
              setCreated(null);
              setGeneration((n) => n + 1);
            }}
          >
            {t('form.createAnother')}
          </Button>
        }
      />
    );
  }
  const handleError = (failure: ApiError): boolean => {
    if (failure.status === 401) setSignedOut(true);
    else if (failure.status === 409) setConflict(true);
    else return false;
    return true;
  };
  const version = rendered.formData?._version;
  return (
    <Card title={rendered.title ?? rendered.schema.title ?? key}>
      {saved !== null && (
        <Alert type="success" showIcon closable title={<span data-testid="form-success">{t('form.updated', { id: saved })}</span>} style={{ marginBottom: 16 }} />
      )}
      {conflict && (
        <Alert
          type="warning"
          showIcon
          title={t('form.conflict')}
          action={
            <Button size="small" onClick={() => { setConflict(false); reload(); }}>
              {t('form.reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <LoomForm
        key={`${generation}-${String(version ?? '')}`}
        rendered={rendered}
        prefill={id ? undefined : prefillFromQuery(params.get('values'), rendered)}
        onError={handleError}
        onSuccess={(result) => {
          if (id) {
            setSaved(recordId(result) || id);
            reload();
          } else {
            setCreated(recordId(result));
          }
        }}
      />
    </Card>
  );
}

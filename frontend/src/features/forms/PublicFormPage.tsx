// A public form (`/public/forms/:key`): no sign-in, create only, a honeypot the server uses
// to spot bots (sent as `_hp`), a thank-you on success and a clear message when throttled.
// A signed link's `?prefill=` token is passed on as `_prefill` (the server fills the form's
// prefilled fields from it: a survey's project and company).

import { Alert, Button, Card, Result } from 'antd';
import { useRef, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import type { ApiError } from '../../api/errors';
import { LoadError, Loading } from '../../app/PageStates';
import { LoomForm } from '../../forms/LoomForm';
import { prefillFromQuery } from './prefill';
import { useRenderedForm } from './useRenderedForm';

const HIDDEN: CSSProperties = {
  position: 'absolute',
  left: '-10000px',
  top: 'auto',
  width: 1,
  height: 1,
  overflow: 'hidden',
};

export function PublicFormPage() {
  const { t } = useTranslation();
  const { key = '' } = useParams();
  const [params] = useSearchParams();
  const { rendered, loading, error, reload } = useRenderedForm(key);
  const honeypot = useRef<HTMLInputElement>(null);
  const [done, setDone] = useState(false);
  const [throttled, setThrottled] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  if (!rendered) return loading ? <Loading /> : <LoadError error={error} onRetry={reload} />;
  if (done) {
    return (
      <Result
        status="success"
        title={<span data-testid="form-success">{t('form.thanks')}</span>}
        subTitle={t('form.thanksDetail')}
        extra={
          <Button onClick={() => { setDone(false); setGeneration((n) => n + 1); }}>
            {t('form.submitAnother')}
          </Button>
        }
      />
    );
  }
  const handleError = (failure: ApiError): boolean => {
    if (failure.status !== 429) return false;
    setThrottled(
      failure.retryAfter !== null ? t('common.tooManyRequests', { seconds: failure.retryAfter }) : t('common.tooManyRequestsLater'),
    );
    return true;
  };
  return (
    <Card title={rendered.title ?? rendered.schema.title ?? key}>
      {throttled && <Alert type="warning" showIcon title={throttled} style={{ marginBottom: 16 }} data-testid="form-throttled" />}
      <LoomForm
        key={generation}
        rendered={{ ...rendered, formData: undefined }}
        prefill={prefillFromQuery(params.get('values'), rendered)}
        envelopeExtras={() => ({
          _hp: honeypot.current?.value ?? '',
          ...(params.get('prefill') ? { _prefill: params.get('prefill') } : {}),
        })}
        onError={handleError}
        onSuccess={() => {
          setThrottled(null);
          setDone(true);
        }}
      >
        <div style={HIDDEN} aria-hidden="true">
          <label htmlFor="company_website">{t('form.honeypot')}</label>
          <input ref={honeypot} id="company_website" name="company_website" type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
        </div>
      </LoomForm>
    </Card>
  );
}

// A Loomworks form (docs/forms.md) rendered with @rjsf/antd: the rules decide which fields
// show, are required or read-only as the data changes; the same errors the server would
// report block the submit and show inline; a 422's details (and a 409's naming a field on
// the form, e.g. a unique value already taken) are shown inline (or above the form when
// they name no field on it). The page decides what success looks like.

import Form from '@rjsf/antd';
import type { IChangeEvent } from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import { Alert, Button } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { submitForm } from '../api/forms';
import { ApiError, isApiError } from '../api/errors';
import type { LoomFormContext } from './context';
import { derivedSchema, derivedUiSchema, inlinePath } from './derive';
import { normalizeLayout } from './layout';
import { LoomFieldWidget } from './LoomFieldWidget';
import { applyDefaults, fieldStates, formErrors, isEmpty, stripNulls, visibleValues, type ErrorMessages, type FormErrors } from './rules';
import { fieldUi, normalizeRendered, propertyKeys } from './schema';
import { splitServerErrors, toErrorSchema } from './serverErrors';
import { FieldErrorTemplate } from './templates/FieldErrorTemplate';
import { LayoutObjectTemplate } from './templates/LayoutObjectTemplate';
import type { FormValues, RecordRefs, RenderedForm, SubmitEnvelope } from './types';

export interface LoomFormProps {
  /** The response of `GET /api/forms/{form}` (or `/records/{id}`, which adds formData). */
  rendered: RenderedForm;
  /** Values to start a new record with (over the defaults), e.g. from the URL. */
  prefill?: FormValues;
  /** Adds to the submit envelope (the public form's honeypot `_hp`). */
  envelopeExtras?: () => Partial<SubmitEnvelope>;
  onSuccess: (result: unknown) => void;
  /** Errors other than 422 (401, 409, 429, network); return true when handled. */
  onError?: (error: ApiError) => boolean;
  /** The clock rules see as `$now`. */
  now?: () => string;
  children?: ReactNode;
}

const systemTime = () => new Date().toISOString();

/** A 422 is always the form's to show; a 409 only when it names a field on the form (a
 * unique value already taken), while a stale `_version` stays the page's to handle. */
function showsInline(error: ApiError, onForm: (path: string) => boolean): boolean {
  if (!error.details.length) return false;
  if (error.status === 422) return true;
  return error.status === 409 && error.details.some((detail) => detail.field !== null && onForm(detail.field));
}

function pick(values: FormValues, keys: string[]): FormValues {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => keys.includes(k) && v !== undefined));
}

function initialData(rendered: RenderedForm, prefill: FormValues | undefined, now: string): FormValues {
  const keys = propertyKeys(rendered);
  if (rendered.formData) return pick(stripNulls(rendered.formData), keys);
  return applyDefaults(rendered, pick(stripNulls(prefill ?? {}), keys), now);
}

function useErrorMessages(): ErrorMessages {
  const { t, i18n } = useTranslation();
  return useMemo(
    () => ({
      required: t('form.required'),
      invalid: t('form.invalid'),
      schema: (error) => {
        const key = `schema.${error.keyword}`;
        return i18n.exists(key) ? t(key, { limit: error.params.limit }) : error.message;
      },
    }),
    [t, i18n],
  );
}

export function LoomForm({ rendered: raw, prefill, envelopeExtras, onSuccess, onError, now = systemTime, children }: LoomFormProps) {
  const { t, i18n } = useTranslation();
  const rendered = useMemo(() => normalizeRendered(raw), [raw]);
  const editing = rendered.formData !== undefined;
  const messages = useErrorMessages();
  const [formData, setFormData] = useState<FormValues>(() => initialData(rendered, prefill, now()));
  const [clientErrors, setClientErrors] = useState<FormErrors>({});
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [attempted, setAttempted] = useState(0);
  const [submitting, setSubmitting] = useState(false);

  const states = fieldStates(rendered, formData, now());
  const schema = derivedSchema(rendered, states);
  const uiSchema = derivedUiSchema(rendered, states);
  const shown = propertyKeys(rendered).filter((k) => states[k]?.visible !== false);
  const errors: FormErrors = { ...serverErrors, ...clientErrors };
  const inline = Object.fromEntries(Object.entries(errors).filter(([path]) => path && inlinePath(rendered, states, path) === path));
  const above = [...general, ...Object.entries(errors).filter(([path]) => !(path in inline)).map(([p, m]) => (p ? `${p}: ${m}` : m))];
  const refs = (rendered.formData?._refs ?? {}) as RecordRefs;

  const formContext: LoomFormContext = {
    formKey: rendered.key,
    refs,
    errors: inline,
    layout: normalizeLayout(rendered.layout, shown, i18n.language),
    fieldUi: (key) => fieldUi(rendered.uiSchema, key),
    submitAttempt: attempted,
    otherFieldsTitle: t('form.otherFields'),
  };

  const changed = (event: IChangeEvent) => {
    const next = { ...((event.formData ?? {}) as FormValues) };
    const touched = Object.keys({ ...next, ...formData }).filter((k) => next[k] !== formData[k]);
    setFormData(next);
    if (attempted) setClientErrors(formErrors(rendered, next, now(), messages));
    if (touched.length) {
      setServerErrors((current) => Object.fromEntries(Object.entries(current).filter(([p]) => !touched.includes(p.split('.')[0]))));
    }
  };

  const envelope = (): SubmitEnvelope => {
    const values = visibleValues(rendered, formData, now());
    const stored = rendered.formData ?? {};
    if (editing) {
      for (const key of propertyKeys(rendered)) {
        if (states[key]?.visible && !(key in values) && !isEmpty(stored[key])) values[key] = null;
      }
    }
    const result: SubmitEnvelope = { values, ...envelopeExtras?.() };
    if (editing && typeof stored.id === 'number') result.id = stored.id;
    if (editing && typeof stored._version === 'number') result._version = stored._version;
    return result;
  };

  const submit = async () => {
    const found = formErrors(rendered, formData, now(), messages);
    setClientErrors(found);
    setServerErrors({});
    setGeneral([]);
    if (Object.keys(found).length) {
      setAttempted((n) => n + 1);
      return;
    }
    setSubmitting(true);
    try {
      const result = await submitForm(rendered.key, envelope());
      onSuccess(result);
    } catch (error) {
      if (isApiError(error) && showsInline(error, (path) => inlinePath(rendered, states, path) !== null)) {
        const split = splitServerErrors(error.details, (path) => inlinePath(rendered, states, path) !== null);
        const mapped: FormErrors = {};
        for (const [path, message] of Object.entries(split.fieldErrors)) {
          const target = inlinePath(rendered, states, path) ?? path;
          if (!(target in mapped)) mapped[target] = message;
        }
        setServerErrors(mapped);
        setGeneral(split.general);
        setAttempted((n) => n + 1);
      } else if (isApiError(error) && onError?.(error)) {
        // handled by the page
      } else {
        setGeneral([error instanceof Error ? error.message : String(error)]);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="loom-form" data-form-key={rendered.key}>
      {above.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('form.problems')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="form-errors">
              {above.map((text, i) => (
                <li key={i}>{text}</li>
              ))}
            </ul>
          }
        />
      )}
      <Form
        schema={schema}
        uiSchema={uiSchema}
        formData={formData}
        validator={validator}
        widgets={{ [`loom`]: LoomFieldWidget }}
        templates={{ FieldErrorTemplate, ObjectFieldTemplate: LayoutObjectTemplate }}
        formContext={formContext}
        extraErrors={toErrorSchema(inline)}
        noValidate
        noHtml5Validate
        showErrorList={false}
        experimental_defaultFormStateBehavior={{ arrayMinItems: { populate: 'never' }, emptyObjectFields: 'skipDefaults' }}
        onChange={changed}
        onSubmit={() => void submit()}
      >
        {children}
        <Button type="primary" htmlType="submit" loading={submitting} autoInsertSpace={false} data-testid="form-submit">
          {t('form.submit')}
        </Button>
      </Form>
    </div>
  );
}

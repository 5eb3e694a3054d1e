// Loads a rendered form (or a record through it) with loading and error states, and
// re-loads when the language changes (titles come localized from the server).

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchForm, fetchFormRecord } from '../../api/forms';
import type { RenderedForm } from '../../forms/types';

export interface RenderedFormState {
  rendered: RenderedForm | null;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

export function useRenderedForm(formKey: string, recordId?: string): RenderedFormState {
  const { i18n } = useTranslation();
  const [rendered, setRendered] = useState<RenderedForm | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    const request = recordId ? fetchFormRecord(formKey, recordId, controller.signal) : fetchForm(formKey, controller.signal);
    request
      .then((form) => setRendered(form))
      .catch((cause: unknown) => {
        if (!controller.signal.aborted) setError(cause);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [formKey, recordId, generation, i18n.language]);
  return { rendered, loading, error, reload };
}

// Calls of the forms API (docs/forms.md): the rendered form, a record through a form,
// relation options and submissions. Types of the payloads live with the adapter.

import type { RenderedForm, SubmitEnvelope } from '../forms/types';
import { api } from './client';

export interface OptionItem {
  id: number | string;
  title: string | null;
}

export interface OptionsPage {
  items: OptionItem[];
  next_cursor?: string | null;
}

const base = (form: string) => `/api/forms/${encodeURIComponent(form)}`;

export function fetchForm(form: string, signal?: AbortSignal): Promise<RenderedForm> {
  return api.get<RenderedForm>(base(form), signal);
}

export function fetchFormRecord(form: string, id: string | number, signal?: AbortSignal): Promise<RenderedForm> {
  return api.get<RenderedForm>(`${base(form)}/records/${encodeURIComponent(String(id))}`, signal);
}

export function fetchFieldOptions(form: string, field: string, q: string, signal?: AbortSignal): Promise<OptionsPage> {
  const query = new URLSearchParams({ q, limit: '20' });
  return api.get<OptionsPage>(`${base(form)}/fields/${encodeURIComponent(field)}/options?${query}`, signal);
}

export function submitForm<T = unknown>(form: string, envelope: SubmitEnvelope): Promise<T> {
  return api.post<T>(`${base(form)}/submit`, envelope);
}

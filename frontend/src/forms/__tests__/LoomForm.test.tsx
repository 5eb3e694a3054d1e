import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { dealForm } from '../../../test/fixtures';
import i18n from '../../i18n';
import { LocaleProvider } from '../../i18n/LocaleProvider';
import { LoomForm } from '../LoomForm';
import type { RenderedForm } from '../types';

const NOW = () => '2026-03-01T10:00:00.000Z';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function mockFetch(...responses: Response[]) {
  const fetchMock = vi.fn<typeof fetch>();
  for (const response of responses) fetchMock.mockResolvedValueOnce(response);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function renderForm(rendered: RenderedForm = dealForm(), onSuccess = vi.fn()) {
  const utils = render(
    <LocaleProvider>
      <LoomForm rendered={rendered} onSuccess={onSuccess} now={NOW} />
    </LocaleProvider>,
  );
  return { ...utils, onSuccess };
}

function input(id: string): HTMLInputElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no #${id}`);
  return element as HTMLInputElement;
}

function fieldErrors(): Record<string, string> {
  return Object.fromEntries(
    [...document.querySelectorAll('[data-field-error]')].map((e) => [e.getAttribute('data-field-error'), e.textContent ?? '']),
  );
}

describe('LoomForm', () => {
  it('renders tabs, titled sections and the fields no section names', () => {
    renderForm();
    expect(screen.getByRole('tab', { name: 'Main' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Lines' })).toBeInTheDocument();
    expect(screen.getByText('Deal')).toBeInTheDocument();
    expect(screen.getByText('Dates')).toBeInTheDocument();
    expect(screen.getByText('Other fields')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toBeInTheDocument();
    expect(screen.getByLabelText('Notes')).toBeInTheDocument();
    expect(input('root_source').value).toBe('web');
  });

  it('hides a conditional field until its condition holds', async () => {
    const rendered = dealForm();
    rendered.uiSchema.stage = { 'ui:options': { field_type: 'select', choices: [] }, 'ui:widget': 'radio' };
    renderForm(rendered);
    expect(document.getElementById('root_lost_reason')).toBeNull();
    fireEvent.click(screen.getByLabelText('lost'));
    await waitFor(() => expect(document.getElementById('root_lost_reason')).not.toBeNull());
  });

  it('blocks the submit and shows one inline error per field', async () => {
    const fetchMock = mockFetch();
    renderForm();
    fireEvent.change(input('root_end_date'), { target: { value: '2026-01-01' } });
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(fieldErrors()).toHaveProperty('name', 'is required'));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(document.querySelectorAll('[data-field-error="name"]')).toHaveLength(1);
    fireEvent.change(input('root_name'), { target: { value: 'Deal one' } });
    await waitFor(() => expect(fieldErrors()).not.toHaveProperty('name'));
  });

  it('shows sub-table cell errors under their cell', async () => {
    const fetchMock = mockFetch();
    renderForm();
    fireEvent.change(input('root_name'), { target: { value: 'Deal one' } });
    fireEvent.click(screen.getByRole('tab', { name: 'Lines' }));
    fireEvent.click(await screen.findByRole('button', { name: /Add row/ }));
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(Object.keys(fieldErrors()).sort()).toEqual(['lines.0.product', 'lines.0.qty']));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('submits the visible values and shows a 422 inline and above the form', async () => {
    const fetchMock = mockFetch(
      json(422, {
        error: {
          code: 'validation_failed',
          message: 'the form has errors',
          details: [
            { field: 'name', message: 'is taken' },
            { field: 'lines.0.qty', message: 'too many' },
            { field: null, message: 'try again' },
          ],
        },
      }),
    );
    const rendered = dealForm();
    rendered.formData = { id: 5, _version: 3, name: 'Old', stage: 'won', lost_reason: 'x', lines: [{ id: 1, product: 'A', qty: 2 }], notes: 'n', _refs: {} };
    renderForm(rendered);
    fireEvent.change(input('root_notes'), { target: { value: '' } });
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(fieldErrors()).toEqual({ name: 'is taken', 'lines.0.qty': 'too many' }));
    expect(screen.getByText('try again')).toBeInTheDocument();
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/forms/deal_quick/submit');
    expect(JSON.parse(String(init?.body))).toEqual({
      id: 5,
      _version: 3,
      values: { name: 'Old', stage: 'won', lines: [{ id: 1, product: 'A', qty: 2 }], notes: null },
    });
  });

  it('shows a 409 naming a field (a unique value taken) under that field, and leaves a stale version to the page', async () => {
    const conflict = (field: string) =>
      json(409, { error: { code: 'conflict', message: 'conflict', details: [{ field, message: 'is already used' }] } });
    mockFetch(conflict('name'), conflict('_version'));
    const onError = vi.fn(() => true);
    render(
      <LocaleProvider>
        <LoomForm rendered={dealForm()} onSuccess={vi.fn()} onError={onError} now={NOW} />
      </LocaleProvider>,
    );
    fireEvent.change(input('root_name'), { target: { value: 'Deal one' } });
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(fieldErrors()).toEqual({ name: 'is already used' }));
    expect(onError).not.toHaveBeenCalled();
    expect(input('root_name').value).toBe('Deal one');
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(onError).toHaveBeenCalledWith(expect.objectContaining({ status: 409 })));
    expect(fieldErrors()).toEqual({});
  });

  it('calls onSuccess with the record', async () => {
    mockFetch(json(201, { id: 9, name: 'Deal one' }));
    const { onSuccess } = renderForm();
    fireEvent.change(input('root_name'), { target: { value: 'Deal one' } });
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(onSuccess).toHaveBeenCalledWith({ id: 9, name: 'Deal one' }));
  });

  it('speaks Chinese: submit label and client messages', async () => {
    await act(async () => {
      await i18n.changeLanguage('zh-CN');
    });
    mockFetch();
    renderForm();
    expect(screen.getByTestId('form-submit')).toHaveTextContent('提交');
    fireEvent.click(screen.getByTestId('form-submit'));
    await waitFor(() => expect(fieldErrors()).toHaveProperty('name', '必填'));
  });
});

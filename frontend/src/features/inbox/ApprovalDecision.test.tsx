// The approval decision, as on the record page and in the inbox: offered only when it is the
// reader's turn, and sending the chosen decision with the trimmed comment.

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { describe, expect, it, vi } from 'vitest';
import type { Approval } from '../../api/workflows';
import '../../i18n';
import { ApprovalDecision } from './ApprovalDecision';

const approval: Approval = {
  id: 7,
  workflow: 'contract_review',
  entity: 'contract',
  record_id: 3,
  record_title: 'HT-2026-0003',
  transition: 'sign',
  label: null,
  from: 'review',
  to: 'signed',
  status: 'pending',
  requested_by: { id: 2, name: 'Rep' },
  comment: null,
  created_at: '2026-12-01T08:00:00Z',
  decided_at: null,
  steps: [],
  my_task: 11,
};

function show(value: Approval, onDecided = vi.fn()) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <App>
        <ApprovalDecision approval={value} onDecided={onDecided} />
      </App>
    </QueryClientProvider>,
  );
  return onDecided;
}

describe('ApprovalDecision', () => {
  it('is not offered when it is not the reader’s turn, or the request is decided', () => {
    show({ ...approval, my_task: null });
    show({ ...approval, status: 'approved' });
    expect(screen.queryByTestId('approval-decision')).toBeNull();
  });

  it('sends the decision with the comment and tells the page', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(
      new Response(JSON.stringify({ ...approval, status: 'rejected' }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const onDecided = show(approval);
    fireEvent.change(screen.getByTestId('approval-comment'), { target: { value: '  price too low  ' } });
    fireEvent.click(screen.getByTestId('approval-reject'));
    await waitFor(() => expect(onDecided).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toBe('/api/approvals/7');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ decision: 'reject', comment: 'price too low' });
  });
});

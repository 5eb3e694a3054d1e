// The one way a person decides an approval task, wherever it is shown (the approvals inbox,
// the record's approval panel): an optional comment, then Approve, Reject or Send back.
// After the decision the inbox, the record and its approvals are refetched.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import { decideApproval, type Approval, type Decision } from '../../api/workflows';
import { queryKeys } from '../../app/queries';

/** Whether the signed-in user has a decision to make on this approval now. */
export function awaitsMyDecision(approval: Approval): boolean {
  return approval.my_task !== null && approval.status === 'pending';
}

export function ApprovalDecision({ approval, onDecided }: { approval: Approval; onDecided?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (decision: Decision) => decideApproval(approval.id, decision, comment.trim() || undefined),
    onSuccess: () => {
      void message.success(t('inbox.decided'));
      setComment('');
      onDecided?.();
    },
    onError: (error) => void message.error(isApiError(error) ? error.message : String(error)),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.approvals });
      void client.invalidateQueries({ queryKey: queryKeys.records(approval.entity) });
    },
  });
  if (!awaitsMyDecision(approval)) return null;
  const pending = decide.isPending ? decide.variables : undefined;
  return (
    <Space wrap style={{ width: '100%' }} data-testid="approval-decision">
      <Input
        aria-label={t('inbox.comment')}
        placeholder={t('inbox.commentPlaceholder')}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
        onPressEnter={() => decide.mutate('approve')}
        style={{ minWidth: 260 }}
        data-testid="approval-comment"
      />
      <Button type="primary" loading={pending === 'approve'} disabled={decide.isPending} onClick={() => decide.mutate('approve')} data-testid="approval-approve">
        {t('inbox.approve')}
      </Button>
      <Button danger loading={pending === 'reject'} disabled={decide.isPending} onClick={() => decide.mutate('reject')} data-testid="approval-reject">
        {t('inbox.reject')}
      </Button>
      <Button loading={pending === 'send_back'} disabled={decide.isPending} onClick={() => decide.mutate('send_back')} data-testid="approval-send-back">
        {t('inbox.sendBack')}
      </Button>
    </Space>
  );
}

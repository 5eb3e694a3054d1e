// The approvals of a record: the latest one's status, its steps and approvers, and, when
// it is the signed-in user's turn, Approve / Reject / Send back with a comment.

import { App, Button, Card, Input, Space, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import { decideApproval, type Approval, type Decision } from '../../api/workflows';
import { localized } from '../../i18n/localized';

const STATUS_COLORS: Record<string, string> = { pending: 'gold', approved: 'green', rejected: 'red', sent_back: 'orange', withdrawn: 'default' };

export function ApprovalPanel({ approvals, onDone }: { approvals: Approval[]; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Decision | null>(null);
  const latest = [...approvals].sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
  if (!latest) return null;
  const status = t(`records.approvalStatus.${latest.status}`, { defaultValue: latest.status });

  const decide = async (decision: Decision) => {
    setBusy(decision);
    try {
      await decideApproval(latest.id, decision, comment.trim() || undefined);
      setComment('');
      void message.success(t('records.decided'));
      onDone();
    } catch (error) {
      void message.error(isApiError(error) ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      size="small"
      data-testid="approval-panel"
      title={
        <Space>
          {latest.status === 'pending' ? t('records.awaitingApproval') : t('records.approval')}
          <Tag color={STATUS_COLORS[latest.status]} data-testid="approval-status">{status}</Tag>
        </Space>
      }
      style={{ marginBottom: 16 }}
    >
      <Steps
        size="small"
        orientation="vertical"
        current={Math.max(0, latest.steps.findIndex((step) => step.open))}
        items={latest.steps.map((step) => ({
          title: localized(step.label ?? null, i18n.language) ?? t('records.step', { n: step.index + 1 }),
          description: (
            <Space wrap size={4}>
              {step.tasks.map((task) => (
                <Tag key={task.id} color={STATUS_COLORS[task.status] ?? undefined}>
                  {task.user?.name ?? '—'} · {t(`records.approvalStatus.${task.status}`, { defaultValue: task.status })}
                  {task.comment ? ` — ${task.comment}` : ''}
                </Tag>
              ))}
            </Space>
          ),
        }))}
      />
      {latest.my_task !== null && latest.status === 'pending' && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('records.decisionComment')}</Typography.Text>
          <Input.TextArea aria-label={t('records.decisionComment')} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          <Space>
            <Button type="primary" loading={busy === 'approve'} onClick={() => void decide('approve')} data-testid="approval-approve">{t('records.approve')}</Button>
            <Button danger loading={busy === 'reject'} onClick={() => void decide('reject')} data-testid="approval-reject">{t('records.reject')}</Button>
            <Button loading={busy === 'send_back'} onClick={() => void decide('send_back')} data-testid="approval-send-back">{t('records.sendBack')}</Button>
          </Space>
        </Space>
      )}
    </Card>
  );
}

// The approvals of a record: the latest one's status, its steps and approvers, and, when
// it is the signed-in user's turn, the same decision as in the approvals inbox.

import { Card, Space, Steps, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Approval } from '../../api/workflows';
import { localized } from '../../i18n/localized';
import { ApprovalDecision } from '../inbox/ApprovalDecision';

const STATUS_COLORS: Record<string, string> = { pending: 'gold', approved: 'green', rejected: 'red', sent_back: 'orange', withdrawn: 'default' };

export function ApprovalPanel({ approvals, onDone }: { approvals: Approval[]; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const latest = [...approvals].sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
  if (!latest) return null;
  const status = t(`inbox.status.${latest.status}`, { defaultValue: latest.status });

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
                  {task.user?.name ?? '—'} · {t(`inbox.status.${task.status}`, { defaultValue: task.status })}
                  {task.comment ? ` — ${task.comment}` : ''}
                </Tag>
              ))}
            </Space>
          ),
        }))}
      />
      <ApprovalDecision approval={latest} onDecided={onDone} />
    </Card>
  );
}

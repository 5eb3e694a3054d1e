// `/inbox/approvals`: the requests waiting for this person's decision (approve, reject or
// send back, with a comment) and the ones they asked for, with each request's progress
// through its steps. The decision itself (ApprovalDecision) is the record page's too.

import { useQuery } from '@tanstack/react-query';
import { Card, Empty, List, Segmented, Space, Steps, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchApprovals, type Approval, type ApprovalQuery } from '../../api/workflows';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';
import { localized } from '../../i18n/localized';
import { ApprovalDecision } from './ApprovalDecision';

type Scope = 'mine' | 'requested' | 'all';

const QUERIES: Record<Scope, ApprovalQuery> = { mine: { mine: true }, requested: { requested: true }, all: {} };

const STATUS_COLORS: Record<string, string> = { pending: 'processing', approved: 'success', rejected: 'error', sent_back: 'warning', withdrawn: 'default' };

function personName(person: Approval['requested_by']): string {
  if (!person) return '';
  return typeof person === 'string' ? person : (person.name ?? `#${person.id}`);
}

function stepStatus(approval: Approval, index: number): 'finish' | 'process' | 'wait' | 'error' {
  const step = approval.steps[index];
  if (step.tasks.some((task) => task.status === 'rejected')) return 'error';
  if (step.open) return 'process';
  if (step.tasks.length && step.tasks.every((task) => task.status !== 'pending')) return 'finish';
  return 'wait';
}

export function ApprovalItem({ approval }: { approval: Approval }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const statusKey = `inbox.status.${approval.status}`;
  return (
    <List.Item data-testid="approval" data-approval-id={approval.id}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Link to={paths.record(approval.entity, approval.record_id)} data-testid="approval-record">
            <Typography.Text strong>{approval.record_title ?? `#${approval.record_id}`}</Typography.Text>
          </Link>
          <Typography.Text>{localized(approval.label, language) ?? approval.transition}</Typography.Text>
          <Tag color={STATUS_COLORS[approval.status]} data-testid="approval-status">
            {i18n.exists(statusKey) ? t(statusKey) : approval.status}
          </Tag>
        </Space>
        <Typography.Text type="secondary">
          {t('inbox.requestedBy', { name: personName(approval.requested_by) })} · {dayjs(approval.created_at).format('YYYY-MM-DD HH:mm')}
        </Typography.Text>
        {approval.comment && <Typography.Paragraph style={{ margin: 0 }}>“{approval.comment}”</Typography.Paragraph>}
        {approval.steps.length > 0 && (
          <Steps
            size="small"
            items={approval.steps.map((step, index) => ({
              title: localized(step.label, language) ?? step.key ?? `${index + 1}`,
              status: stepStatus(approval, index),
              description: step.tasks.map((task) => task.user?.name).filter(Boolean).join(', '),
            }))}
          />
        )}
        <ApprovalDecision approval={approval} />
      </Space>
    </List.Item>
  );
}

export function ApprovalsPage() {
  const { t } = useTranslation();
  const [scope, setScope] = useState<Scope>('mine');
  const approvals = useQuery({
    queryKey: [...queryKeys.approvals, scope],
    queryFn: ({ signal }) => fetchApprovals(QUERIES[scope], signal),
  });
  return (
    <Card
      title={t('inbox.approvals')}
      extra={
        <Segmented<Scope>
          data-testid="approvals-scope"
          value={scope}
          onChange={setScope}
          options={[
            { value: 'mine', label: t('inbox.waitingForMe') },
            { value: 'requested', label: t('inbox.requestedByMe') },
            { value: 'all', label: t('inbox.all') },
          ]}
        />
      }
    >
      {approvals.error ? (
        <LoadError error={approvals.error} onRetry={() => void approvals.refetch()} />
      ) : !approvals.data ? (
        <Loading />
      ) : approvals.data.length === 0 ? (
        <Empty description={t('inbox.noApprovals')} />
      ) : (
        <List data-testid="approvals-list" dataSource={approvals.data} renderItem={(approval) => <ApprovalItem approval={approval} />} />
      )}
    </Card>
  );
}

// A project's milestones as a timeline: done ones ticked, overdue ones red, each with its due date.

import { CheckCircleOutlined, ClockCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { Empty, Space, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { RecordData } from '../../api/records';
import { EntityFieldValue } from './StatusTag';
import { isMilestoneDone, isOverdue, orderMilestones } from './portalLogic';

export function MilestoneTimeline({ milestones }: { milestones: RecordData[] }) {
  const { t } = useTranslation();
  if (milestones.length === 0) return <Empty description={t('portal.noMilestones')} />;
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Timeline
      data-testid="portal-milestones"
      items={orderMilestones(milestones).map((m) => {
        const done = isMilestoneDone(m);
        const late = isOverdue(m, today);
        return {
          key: String(m.id),
          color: done ? 'green' : late ? 'red' : 'blue',
          dot: done ? <CheckCircleOutlined /> : late ? <ExclamationCircleOutlined /> : <ClockCircleOutlined />,
          children: (
            <Space direction="vertical" size={0} data-testid={`portal-milestone-${m.id}`}>
              <Typography.Text strong>{String(m.name ?? '')}</Typography.Text>
              <Space wrap>
                <Typography.Text type="secondary">{t('portal.due', { date: m.due_date ?? '—' })}</Typography.Text>
                <EntityFieldValue entity="milestone" field="status" record={m} />
                {late ? <Typography.Text type="danger">{t('portal.overdue')}</Typography.Text> : null}
              </Space>
            </Space>
          ),
        };
      })}
    />
  );
}

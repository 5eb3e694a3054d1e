// The record's history timeline (changes and workflow events, newest first).

import { Empty, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { TimelineItem } from './timeline';

function headline(item: TimelineItem, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (item.kind === 'workflow') {
    if (item.action === 'transition' || item.action === 'transitioned') return t('records.transitionTaken', { transition: item.transition ?? '' });
    return [item.transition, t(`records.approvalStatus.${item.action.replace(/^approval_/, '')}`, { defaultValue: item.action })]
      .filter(Boolean)
      .join(' · ');
  }
  switch (item.action) {
    case 'create':
      return t('records.createdRecord');
    case 'delete':
      return t('records.deletedRecord');
    case 'restore':
      return t('records.restoredRecord');
    default:
      return t('records.changedRecord');
  }
}

export function HistoryTimeline({ items }: { items: TimelineItem[] }) {
  const { t, i18n } = useTranslation();
  if (!items.length) return <Empty description={t('records.historyEmpty')} />;
  const format = i18n.language === 'zh-CN' ? 'YYYY-MM-DD HH:mm' : 'MMM D, YYYY HH:mm';
  return (
    <Timeline
      data-testid="history"
      items={items.map((item) => ({
        key: item.key,
        color: item.kind === 'workflow' ? 'blue' : 'gray',
        content: (
          <div data-testid="history-item" data-kind={item.kind}>
            <Typography.Text strong>{item.who ?? t('records.someone')}</Typography.Text>{' '}
            <Typography.Text>{headline(item, t)}</Typography.Text>{' '}
            <Typography.Text type="secondary">{dayjs(item.at).format(format)}</Typography.Text>
            {item.from !== null && item.to !== null && (
              <div>
                {item.from} → {item.to}
              </div>
            )}
            {item.comment && <div><Typography.Text italic>“{item.comment}”</Typography.Text></div>}
            {item.changes.length > 0 && (
              <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
                {item.changes.map((change) => (
                  <li key={change.field}>
                    <Typography.Text type="secondary">{change.label}:</Typography.Text>{' '}
                    {item.action === 'create' ? change.after : `${change.before} → ${change.after}`}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ),
      }))}
    />
  );
}

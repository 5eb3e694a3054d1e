// The history timeline of a record: field changes and workflow events, newest first, with
// who and when, each change as "field: before → after" in the reader's language.

import { Empty, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { EntityDefinition } from '../../api/meta';
import type { RecordData } from '../../api/records';
import type { TransitionsAnswer } from '../../api/workflows';
import { LoadError, Loading } from '../../app/PageStates';
import { localized } from '../../i18n/localized';
import { useRecordTimelineSources } from './recordQueries';
import { buildTimeline, type TimelineItem } from './timeline';

const ACTION_KEYS: Record<string, string> = {
  create: 'records.createdRecord',
  update: 'records.changedRecord',
  delete: 'records.deletedRecord',
  restore: 'records.restoredRecord',
};

function labelsOf(transitions: TransitionsAnswer | undefined, language: string) {
  const transitionLabels = new Map<string, string>();
  const stateLabels = new Map<string, string>();
  for (const flow of transitions?.workflows ?? []) {
    if (flow.state) stateLabels.set(flow.state.key, localized(flow.state.label, language) ?? flow.state.key);
    for (const item of flow.items) {
      transitionLabels.set(item.key, localized(item.label, language) ?? item.key);
      stateLabels.set(item.to.key, localized(item.to.label, language) ?? item.to.key);
    }
  }
  return { transitionLabels, stateLabels };
}

export function RecordTimeline({ definition, record, transitions }: { definition: EntityDefinition; record: RecordData; transitions?: TransitionsAnswer }) {
  const { t, i18n } = useTranslation();
  const { history, workflow } = useRecordTimelineSources(definition.key, String(record.id));
  if (history.error) return <LoadError error={history.error} onRetry={() => void history.refetch()} />;
  if (!history.data || workflow.isPending) return <Loading />;
  const items = buildTimeline({
    definition,
    record,
    history: history.data,
    workflow: workflow.data ?? [],
    language: i18n.language,
    ...labelsOf(transitions, i18n.language),
  });
  if (!items.length) return <Empty description={t('records.historyEmpty')} />;
  const describe = (item: TimelineItem) => {
    if (item.kind === 'workflow') {
      const move = item.transition ? t('records.transitionTaken', { transition: item.transition }) : item.action;
      return `${move}${item.from || item.to ? ` (${item.from ?? '…'} → ${item.to ?? '…'})` : ''}`;
    }
    return t(ACTION_KEYS[item.action] ?? 'records.changedRecord');
  };
  return (
    <Timeline
      data-testid="record-timeline"
      items={items.map((item) => ({
        key: item.key,
        color: item.kind === 'workflow' ? 'blue' : 'gray',
        content: (
          <div data-testid="timeline-item" data-kind={item.kind}>
            <Typography.Text strong>{item.who ?? t('records.someone')}</Typography.Text> {describe(item)}{' '}
            <Typography.Text type="secondary">{dayjs(item.at).format('YYYY-MM-DD HH:mm')}</Typography.Text>
            {item.comment && <div>“{item.comment}”</div>}
            {item.action !== 'create' &&
              item.changes.map((change) => (
                <div key={change.field}>
                  <Typography.Text type="secondary">{change.label}:</Typography.Text> {change.before} → {change.after}
                </div>
              ))}
          </div>
        ),
      }))}
    />
  );
}

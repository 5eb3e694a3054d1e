// The Gantt of one project's tasks (frappe-gantt): bars from the view's start/end/progress
// fields, arrows from the dependency entity (fetched for the shown tasks in one query), and
// the project's milestones as distinct markers. Day/Week/Month modes, Chinese labels in a
// Chinese UI; dragging a bar saves its dates with `_version` (a refusal reloads the chart);
// clicking a bar opens its record.

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Empty, Segmented, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/errors';
import { listRecords, updateRecord } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys } from '../../app/queries';
import type { EntityViewProps } from '../shell/viewProps';
import { allOf, ganttRows, isoDay, viewFilter, type GanttRow } from './boardLogic';
import { FrappeGantt } from './FrappeGantt';
import './gantt.css';

type Mode = 'Day' | 'Week' | 'Month';

/** The last day a bar covers, from frappe-gantt's end (which it reports at or just before midnight). */
function lastDay(end: Date): string {
  const atMidnight = end.getHours() === 0 && end.getMinutes() === 0 && end.getSeconds() === 0;
  return isoDay(atMidnight ? new Date(end.getTime() - 1) : end);
}

export function GanttView({ entity, view, where }: EntityViewProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [mode, setMode] = useState<Mode>('Week');
  const [notice, setNotice] = useState<{ type: 'error' | 'success'; text: string } | null>(null);
  const projectField = entity.fields.find((f) => f.key === 'project' && f.type === 'relation');
  const projectEntity = String(projectField?.options?.target ?? 'project');
  const [chosen, setChosen] = useState<string | null>(null);

  const projects = useQuery({
    queryKey: [...queryKeys.records(projectEntity), 'gantt-projects'],
    queryFn: ({ signal }) => listRecords(projectEntity, { limit: 200, sort: ['name'], fields: ['name'] }, signal),
    enabled: Boolean(projectField),
  });
  const project = chosen ?? (projects.data?.items[0] ? String(projects.data.items[0].id) : null);
  const taskWhere = allOf(projectField && project ? { '==': [{ var: projectField.key }, Number(project) || project] } : undefined, viewFilter(view), where);

  const tasks = useQuery({
    queryKey: [...queryKeys.records(entity.key), 'gantt', view.key, taskWhere],
    queryFn: ({ signal }) => listRecords(entity.key, { where: taskWhere, limit: 500, sort: [view.date_field ?? 'id'] }, signal),
    enabled: !projectField || project !== null,
  });
  const taskIds = useMemo(() => (tasks.data?.items ?? []).map((r) => r.id), [tasks.data]);
  const deps = view.dependencies;
  const dependencies = useQuery({
    queryKey: [...queryKeys.records(deps?.entity ?? '-'), 'gantt-deps', taskIds],
    queryFn: ({ signal }) =>
      listRecords(deps!.entity, { where: { in: [{ var: deps!.to }, taskIds] }, limit: 500 }, signal),
    enabled: Boolean(deps) && taskIds.length > 0,
  });
  const milestones = useQuery({
    queryKey: [...queryKeys.records('milestone'), 'gantt-milestones', project],
    queryFn: ({ signal }) =>
      listRecords('milestone', { where: { '==': [{ var: 'project' }, Number(project) || project] }, limit: 200, sort: ['due_date'] }, signal),
    enabled: Boolean(projectField) && project !== null,
    retry: false,
  });

  const rows = useMemo(
    () =>
      ganttRows(
        { tasks: tasks.data?.items ?? [], dependencies: dependencies.data?.items ?? [], milestones: milestones.data?.items ?? [] },
        view,
        entity.title_field ?? 'name',
      ),
    [tasks.data, dependencies.data, milestones.data, view, entity.title_field],
  );

  const save = (row: GanttRow, start: Date, end: Date) => {
    setNotice(null);
    const first = isoDay(start);
    const last = lastDay(end);
    const [target, values] =
      row.kind === 'milestone'
        ? ['milestone', { due_date: last }]
        : [entity.key, { [view.date_field ?? 'start_date']: first, ...(view.end_field ? { [view.end_field]: last < first ? first : last } : {}) }];
    updateRecord(target, row.recordId, values, row.version)
      .then(() => setNotice({ type: 'success', text: t('boards.dateChanged') }))
      .catch((error: unknown) => {
        setNotice({
          type: 'error',
          text: t('boards.failed', {
            message: isApiError(error) ? error.details.map((d) => d.message).join('; ') || error.message : String(error),
          }),
        });
      })
      .finally(() => {
        void client.invalidateQueries({ queryKey: queryKeys.records(target) });
      });
  };

  const failure = projects.error ?? tasks.error ?? dependencies.error;
  const loading = projects.isLoading || tasks.isLoading || (dependencies.isLoading && taskIds.length > 0 && Boolean(deps));

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="gantt">
      <Space wrap>
        {projectField && (
          <>
            <Typography.Text>{t('boards.project')}</Typography.Text>
            <Select
              style={{ minWidth: 260 }}
              aria-label={t('boards.chooseProject')}
              placeholder={t('boards.chooseProject')}
              loading={projects.isLoading}
              value={project ?? undefined}
              onChange={(value: string) => setChosen(value)}
              showSearch
              optionFilterProp="label"
              options={(projects.data?.items ?? []).map((p) => ({ value: String(p.id), label: String(p.name ?? `#${p.id}`) }))}
              data-testid="gantt-project"
            />
          </>
        )}
        <Segmented
          value={mode}
          onChange={(value) => setMode(value as Mode)}
          options={[
            { value: 'Day', label: t('boards.day') },
            { value: 'Week', label: t('boards.week') },
            { value: 'Month', label: t('boards.month') },
          ]}
          data-testid="gantt-mode"
        />
        <Typography.Text type="secondary">
          <span style={{ color: '#fa8c16' }}>◆</span> {t('boards.milestone')}
        </Typography.Text>
      </Space>
      {notice && <Alert type={notice.type} message={notice.text} closable onClose={() => setNotice(null)} data-testid="board-notice" />}
      {failure ? (
        <LoadError error={failure} onRetry={() => void client.invalidateQueries({ queryKey: queryKeys.records(entity.key) })} />
      ) : loading ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty description={t('boards.noTasks')} />
      ) : (
        <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
          <FrappeGantt
            rows={rows}
            viewMode={mode}
            language={i18n.language}
            onOpen={(row) => navigate(paths.record(row.kind === 'milestone' ? 'milestone' : entity.key, row.recordId))}
            onDatesChange={save}
          />
        </div>
      )}
    </Space>
  );
}

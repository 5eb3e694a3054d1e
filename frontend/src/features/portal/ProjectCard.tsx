// One project on the portal home: status, dates, progress and the next milestones.

import { Card, Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RecordData } from '../../api/records';
import { EntityFieldValue } from './StatusTag';
import { nextMilestones, progressPercent } from './portalLogic';
import { portalPaths } from './portalPaths';

export function ProjectProgress({ project }: { project: RecordData }) {
  const { t } = useTranslation();
  const percent = progressPercent(project.progress);
  if (percent === null) return <Typography.Text type="secondary">{t('portal.noProgress')}</Typography.Text>;
  return <Progress percent={percent} aria-label={t('portal.progress')} data-testid="portal-progress" />;
}

export function ProjectDates({ project }: { project: RecordData }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary">
      {t('portal.dates', { start: project.start_date ?? '—', due: project.due_date ?? '—' })}
      {typeof project.completed_date === 'string' ? ` · ${t('portal.completedOn', { date: project.completed_date })}` : ''}
    </Typography.Text>
  );
}

export function ProjectCard({ project, milestones }: { project: RecordData; milestones: RecordData[] }) {
  const { t } = useTranslation();
  const name = String(project.name ?? project.id);
  const next = nextMilestones(milestones, project.id);
  return (
    <Card
      data-testid={`portal-project-${project.id}`}
      title={
        <Link to={portalPaths.project(project.id)} aria-label={t('portal.openProject', { name })}>
          {name}
        </Link>
      }
      extra={<EntityFieldValue entity="project" field="status" record={project} />}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <ProjectDates project={project} />
        <ProjectProgress project={project} />
        <Typography.Text strong>{t('portal.nextMilestones')}</Typography.Text>
        {next.length === 0 ? (
          <Typography.Text type="secondary">{t('portal.allReached')}</Typography.Text>
        ) : (
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {next.map((m) => (
              <li key={String(m.id)}>
                {String(m.name ?? '')} <Typography.Text type="secondary">{t('portal.due', { date: m.due_date ?? '—' })}</Typography.Text>
              </li>
            ))}
          </ul>
        )}
      </Space>
    </Card>
  );
}

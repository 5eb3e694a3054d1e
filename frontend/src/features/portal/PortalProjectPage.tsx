// One project for its customer: progress, the milestone timeline and the documents shared
// with them (download links), with a way to raise a ticket or rate a completed project.

import { FileOutlined } from '@ant-design/icons';
import { Button, Card, Empty, List, Result, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/errors';
import { fileUrl } from '../../api/files';
import type { RecordData } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { MilestoneTimeline } from './MilestoneTimeline';
import { ProjectDates, ProjectProgress } from './ProjectCard';
import { EntityFieldValue } from './StatusTag';
import { portalPaths } from './portalPaths';
import { usePortalRecord, useRecordList } from './portalQueries';

function fileIdOf(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  if (value && typeof value === 'object' && 'id' in value) return String((value as { id: unknown }).id);
  return null;
}

function DocumentItem({ document }: { document: RecordData }) {
  const { t } = useTranslation();
  const files = Array.isArray(document.file) ? document.file : [document.file];
  const ids = files.map(fileIdOf).filter((id): id is string => id !== null);
  return (
    <List.Item
      data-testid={`portal-document-${document.id}`}
      actions={
        ids.length === 0
          ? [<Typography.Text key="none" type="secondary">{t('portal.noFile')}</Typography.Text>]
          : ids.map((id) => (
              <a key={id} href={fileUrl(id)} download>
                {t('portal.download')}
              </a>
            ))
      }
    >
      <List.Item.Meta
        avatar={<FileOutlined />}
        title={String(document.name ?? '')}
        description={<EntityFieldValue entity="document" field="category" record={document} />}
      />
    </List.Item>
  );
}

export function PortalProjectPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const project = usePortalRecord('project', id);
  const byProject = { '==': [{ var: 'project' }, Number(id)] };
  const milestones = useRecordList('milestone', byProject, ['sequence']);
  const documents = useRecordList('document', byProject, ['name']);
  if (project.error instanceof ApiError && (project.error.status === 404 || project.error.status === 403)) {
    return (
      <Result status="404" data-testid="portal-not-found" title={t('portal.notFound')} extra={<Link to={portalPaths.home()}>{t('portal.back')}</Link>} />
    );
  }
  const all = [project, milestones, documents];
  const failed = all.find((q) => q.error);
  if (failed) return <LoadError error={failed.error} onRetry={() => all.forEach((q) => void q.refetch())} />;
  if (!project.data || milestones.isPending || documents.isPending) return <Loading />;
  const record = project.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }} data-testid="portal-project">
      <Link to={portalPaths.home()}>← {t('portal.back')}</Link>
      <Card
        title={<Typography.Title level={2} style={{ margin: 0 }}>{String(record.name ?? '')}</Typography.Title>}
        extra={<EntityFieldValue entity="project" field="status" record={record} />}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <ProjectDates project={record} />
          <ProjectProgress project={record} />
          {typeof record.description === 'string' ? <Typography.Paragraph>{record.description}</Typography.Paragraph> : null}
          <Space wrap>
            <Button onClick={() => navigate(portalPaths.newTicket(record.id))}>{t('portal.newTicket')}</Button>
            {record.status === 'completed' ? (
              <Button type="primary" onClick={() => navigate(portalPaths.survey(record.id))} data-testid="portal-rate">
                {t('portal.rateProject')}
              </Button>
            ) : null}
          </Space>
        </Space>
      </Card>
      <Card title={t('portal.milestones')}>
        <MilestoneTimeline milestones={milestones.data ?? []} />
      </Card>
      <Card title={t('portal.documents')}>
        {(documents.data ?? []).length === 0 ? (
          <Empty description={t('portal.noDocuments')} />
        ) : (
          <List dataSource={documents.data} renderItem={(d) => <DocumentItem document={d} />} />
        )}
      </Card>
    </Space>
  );
}

// The portal home: the customer's company, their projects as cards, open tickets and the
// NPS prompt for completed projects not yet rated.

import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { LoadError, Loading } from '../../app/PageStates';
import { useSession } from '../../app/session';
import { ProjectCard } from './ProjectCard';
import { isTicketOpen, projectsAwaitingNps } from './portalLogic';
import { portalPaths } from './portalPaths';
import { useRecordList } from './portalQueries';

export function PortalHome() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { user } = useSession();
  const companies = useRecordList('company');
  const projects = useRecordList('project', undefined, ['-start_date']);
  const milestones = useRecordList('milestone', undefined, ['sequence']);
  const tickets = useRecordList('ticket');
  const responses = useRecordList('nps_response');
  const all = [companies, projects, milestones, tickets, responses];
  const failed = all.find((q) => q.error);
  if (failed) return <LoadError error={failed.error} onRetry={() => all.forEach((q) => void q.refetch())} />;
  if (all.some((q) => q.isPending)) return <Loading />;
  const projectList = projects.data ?? [];
  const awaiting = projectsAwaitingNps(projectList, responses.data ?? []);
  const openCount = (tickets.data ?? []).filter(isTicketOpen).length;
  const companyName = (companies.data ?? []).map((c) => String(c.name ?? '')).join(', ');
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 0 }} data-testid="portal-company">
          {companyName || t('portal.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('portal.welcome', { name: user?.name ?? '' })}</Typography.Text>
      </div>
      {awaiting.map((project) => (
        <Alert
          key={String(project.id)}
          type="info"
          showIcon
          data-testid="portal-nps-prompt"
          message={t('portal.npsPrompt', { name: String(project.name ?? '') })}
          description={t('portal.npsPromptText')}
          action={
            <Button type="primary" onClick={() => navigate(portalPaths.survey(project.id))}>
              {t('portal.answerSurvey')}
            </Button>
          }
        />
      ))}
      <Card>
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Statistic title={t('portal.openTickets')} value={openCount} data-testid="portal-open-tickets" />
          <Space wrap>
            <Link to={portalPaths.tickets()}>{t('portal.viewTickets')}</Link>
            <Button type="primary" onClick={() => navigate(portalPaths.newTicket())} data-testid="portal-new-ticket">
              {t('portal.newTicket')}
            </Button>
          </Space>
        </Space>
      </Card>
      <Typography.Title level={3}>{t('portal.projects')}</Typography.Title>
      {projectList.length === 0 ? (
        <Empty description={t('portal.noProjects')} />
      ) : (
        <Row gutter={[16, 16]}>
          {projectList.map((project) => (
            <Col xs={24} md={12} key={String(project.id)}>
              <ProjectCard project={project} milestones={milestones.data ?? []} />
            </Col>
          ))}
        </Row>
      )}
    </Space>
  );
}

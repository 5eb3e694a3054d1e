// The customer's tickets (whatever the server's row scope returns), newest first, with status.

import { Button, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import type { RecordData } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { useEntityDefinition } from '../../app/queries';
import { EntityFieldValue } from './StatusTag';
import { fieldLabel } from './fieldLabel';
import { portalPaths } from './portalPaths';
import { useRecordList } from './portalQueries';

export function PortalTicketsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const created = (location.state as { created?: string } | null)?.created;
  const tickets = useRecordList('ticket', undefined, ['-_created_at']);
  const definition = useEntityDefinition('ticket').data;
  if (tickets.error) return <LoadError error={tickets.error} onRetry={() => void tickets.refetch()} />;
  if (tickets.isPending) return <Loading />;
  const label = (key: string, fallback: string) => fieldLabel(definition, key, i18n.language, fallback);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to={portalPaths.home()}>← {t('portal.back')}</Link>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('portal.tickets')}
        </Typography.Title>
        <Button type="primary" onClick={() => navigate(portalPaths.newTicket())} data-testid="portal-new-ticket">
          {t('portal.newTicket')}
        </Button>
      </Space>
      {created ? (
        <Typography.Text type="success" data-testid="portal-ticket-created">
          {t('portal.ticketCreated', { number: created })}
        </Typography.Text>
      ) : null}
      <Table<RecordData>
        data-testid="portal-tickets"
        rowKey={(r) => String(r.id)}
        dataSource={tickets.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: true }}
        locale={{ emptyText: t('portal.noTickets') }}
        columns={[
          { key: 'number', title: label('number', t('portal.number')), dataIndex: 'number' },
          { key: 'subject', title: label('subject', t('portal.subject')), dataIndex: 'subject' },
          {
            key: 'status',
            title: label('status', t('portal.status')),
            render: (_, r) => <EntityFieldValue entity="ticket" field="status" record={r} />,
          },
          {
            key: 'priority',
            title: label('priority', t('portal.priority')),
            render: (_, r) => <EntityFieldValue entity="ticket" field="priority" record={r} />,
          },
          {
            key: 'created',
            title: t('portal.created'),
            render: (_, r) => (typeof r._created_at === 'string' ? new Date(r._created_at).toLocaleDateString(i18n.language) : ''),
          },
        ]}
      />
    </Space>
  );
}

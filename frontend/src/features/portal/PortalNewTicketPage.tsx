// A new ticket from the customer: subject, description and priority; the company is the one
// the server shows them (their own). Created through the records API as the signed-in customer.

import { Alert, Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { createRecord } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { queryKeys, useEntityDefinition } from '../../app/queries';
import { fieldChoices, fieldLabel } from './fieldLabel';
import { portalPaths } from './portalPaths';
import { useRecordList } from './portalQueries';
import { applyServerErrors } from './submitErrors';

interface TicketValues {
  subject: string;
  description?: string;
  priority?: string;
}

const FIELDS = ['subject', 'description', 'priority'] as const;

export function PortalNewTicketPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<TicketValues>();
  const [problem, setProblem] = useState<string | null>(null);
  const definition = useEntityDefinition('ticket');
  const companies = useRecordList('company');
  const create = useMutation({
    mutationFn: (values: TicketValues) => createRecord('ticket', { ...values, company: companies.data?.[0]?.id ?? null }),
    onSuccess: async (ticket) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.records('ticket') });
      navigate(portalPaths.tickets(), { state: { created: String(ticket.number ?? ticket.id) } });
    },
    onError: (error) => setProblem(applyServerErrors(form, error, FIELDS)),
  });
  const failed = definition.error ?? companies.error;
  if (failed) return <LoadError error={failed} onRetry={() => void Promise.all([definition.refetch(), companies.refetch()])} />;
  if (definition.isPending || companies.isPending) return <Loading />;
  const language = i18n.language;
  const label = (key: string) => fieldLabel(definition.data, key, language, key);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to={portalPaths.tickets()}>← {t('portal.tickets')}</Link>
      <Card title={<Typography.Title level={2} style={{ margin: 0 }}>{t('portal.newTicketTitle')}</Typography.Title>}>
        <Form<TicketValues>
          form={form}
          layout="vertical"
          initialValues={{ priority: 'normal' }}
          onFinish={(values) => {
            setProblem(null);
            create.mutate(values);
          }}
          data-testid="portal-ticket-form"
        >
          <Form.Item name="subject" label={label('subject')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={500} autoFocus />
          </Form.Item>
          <Form.Item name="description" label={label('description')}>
            <Input.TextArea rows={5} />
          </Form.Item>
          <Form.Item name="priority" label={label('priority')}>
            <Select options={fieldChoices(definition.data, 'priority', language)} />
          </Form.Item>
          {problem ? <Alert type="error" showIcon message={problem} style={{ marginBottom: 16 }} /> : null}
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="portal-ticket-submit">
            {t('portal.newTicket')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}

// The NPS survey for one project (the nps_survey form's questions: score 0-10 and a reason),
// answered as the signed-in customer and saved as an nps_response of that project. The contact
// is left out: the customer role cannot read contacts, so the server refuses to link one.

import { Alert, Button, Card, Form, Input, Radio, Result, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { createRecord } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { queryKeys, useEntityDefinition } from '../../app/queries';
import { fieldLabel } from './fieldLabel';
import { portalPaths } from './portalPaths';
import { usePortalRecord } from './portalQueries';
import { applyServerErrors } from './submitErrors';

interface SurveyValues {
  score: number;
  comment?: string;
}

const SCORES = Array.from({ length: 11 }, (_, n) => n);

export function PortalSurveyPage() {
  const { t, i18n } = useTranslation();
  const { project: projectId = '' } = useParams();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SurveyValues>();
  const [problem, setProblem] = useState<string | null>(null);
  const project = usePortalRecord('project', projectId);
  const definition = useEntityDefinition('nps_response');
  const submit = useMutation({
    mutationFn: (values: SurveyValues) =>
      createRecord('nps_response', {
        ...values,
        project: project.data?.id,
        company: project.data?.customer ?? null,
        project_manager: project.data?.manager ?? null,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.records('nps_response') }),
    onError: (error) => setProblem(applyServerErrors(form, error, ['score', 'comment'])),
  });
  const failed = project.error ?? definition.error;
  if (failed) return <LoadError error={failed} onRetry={() => void Promise.all([project.refetch(), definition.refetch()])} />;
  if (!project.data || definition.isPending) return <Loading />;
  const name = String(project.data.name ?? '');
  if (submit.isSuccess) {
    return (
      <Result
        status="success"
        data-testid="portal-survey-thanks"
        title={t('portal.thanks')}
        subTitle={t('portal.thanksText')}
        extra={<Link to={portalPaths.home()}>{t('portal.back')}</Link>}
      />
    );
  }
  const label = (key: string) => fieldLabel(definition.data, key, i18n.language, key);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Link to={portalPaths.project(project.data.id)}>← {name}</Link>
      <Card
        title={<Typography.Title level={2} style={{ margin: 0 }}>{t('portal.surveyTitle')}</Typography.Title>}
      >
        <Typography.Paragraph type="secondary">{t('portal.surveyFor', { name })}</Typography.Paragraph>
        <Form<SurveyValues>
          form={form}
          layout="vertical"
          onFinish={(values) => {
            setProblem(null);
            submit.mutate(values);
          }}
          data-testid="portal-survey-form"
        >
          <Form.Item name="score" label={label('score')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" buttonStyle="solid" aria-label={label('score')} style={{ flexWrap: 'wrap' }}>
              {SCORES.map((n) => (
                <Radio.Button key={n} value={n} data-testid={`portal-score-${n}`}>
                  {n}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item name="comment" label={label('comment')}>
            <Input.TextArea rows={4} />
          </Form.Item>
          {problem ? <Alert type="error" showIcon message={problem} style={{ marginBottom: 16 }} /> : null}
          <Button type="primary" htmlType="submit" loading={submit.isPending} data-testid="portal-survey-submit">
            {t('portal.answerSurvey')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}

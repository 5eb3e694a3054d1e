// `/e/:entity/r/:id`: one record — its title and workflow state, its fields (with Edit),
// transitions and approvals, manual rule buttons, attachments, related lists, history,
// and soft delete with Restore.

import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Popconfirm, Row, Space, Tag, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/errors';
import { may } from '../../api/meta';
import { deleteRecord, restoreRecord, type RecordData } from '../../api/records';
import { paths } from '../../app/paths';
import { LoadError, Loading } from '../../app/PageStates';
import { queryKeys, useEntityDefinition, useEntityDefinitions } from '../../app/queries';
import { localized } from '../../i18n/localized';
import { ApprovalPanel } from './ApprovalPanel';
import { AttachmentField } from './Attachments';
import { HistoryTimeline } from './HistoryTimeline';
import { RecordActions } from './RecordActions';
import { RecordDetails } from './RecordDetails';
import { RelatedLists, relationsOf } from './RelatedLists';
import { useFormKey, useRecord, useRecordActions, useRecordApprovals, useRecordTimelineSources, useTransitions } from './recordQueries';
import { buildTimeline } from './timeline';
import { TransitionBar } from './TransitionBar';

export function RecordPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { entity = '', id = '' } = useParams();
  const client = useQueryClient();
  const definition = useEntityDefinition(entity);
  const all = useEntityDefinitions();
  const record = useRecord(entity, id);
  const transitions = useTransitions(entity, id);
  const approvals = useRecordApprovals(entity, id);
  const actions = useRecordActions(entity, id);
  const { history, workflow } = useRecordTimelineSources(entity, id);
  const formKey = useFormKey(entity);
  const [deleted, setDeleted] = useState<RecordData | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = () => {
    void client.invalidateQueries({ queryKey: queryKeys.record(entity, id) });
    void client.invalidateQueries({ queryKey: queryKeys.records(entity), refetchType: 'none' });
    void client.invalidateQueries({ queryKey: queryKeys.approvals });
  };

  // Labels of transitions and states seen on this page so far: the server names only the
  // moves offered now, and the history speaks of earlier ones too.
  const seenTransitions = useRef(new Map<string, string>());
  const seenStates = useRef(new Map<string, string>());
  const timeline = useMemo(() => {
    if (!definition.data) return [];
    const transitionLabels = seenTransitions.current;
    const stateLabels = seenStates.current;
    for (const group of transitions.data?.workflows ?? []) {
      if (group.state) stateLabels.set(group.state.key, localized(group.state.label, i18n.language) ?? group.state.key);
      for (const item of group.items) {
        transitionLabels.set(item.key, localized(item.label, i18n.language) ?? item.key);
        stateLabels.set(item.to.key, localized(item.to.label, i18n.language) ?? item.to.key);
      }
    }
    return buildTimeline({
      definition: definition.data,
      record: record.data,
      history: history.data ?? [],
      workflow: workflow.data ?? [],
      language: i18n.language,
      transitionLabels,
      stateLabels,
    });
  }, [definition.data, record.data, history.data, workflow.data, transitions.data, i18n.language]);

  if (definition.isError) return <LoadError error={definition.error} onRetry={() => void definition.refetch()} />;
  if (deleted && definition.data) {
    return (
      <Card>
        <Alert
          type="warning"
          showIcon
          data-testid="record-deleted"
          title={t('records.deleted')}
          action={
            <Button
              loading={busy}
              data-testid="record-restore"
              onClick={() => {
                setBusy(true);
                restoreRecord(entity, deleted.id)
                  .then(() => {
                    void message.success(t('records.restored'));
                    setDeleted(null);
                    refresh();
                  })
                  .catch((error: unknown) => void message.error(isApiError(error) ? error.message : String(error)))
                  .finally(() => setBusy(false));
              }}
            >
              {t('records.restore')}
            </Button>
          }
        />
        <Link to={paths.list(entity)}>{t('records.back', { list: localized(definition.data.plural_label ?? definition.data.label, i18n.language) })}</Link>
      </Card>
    );
  }
  if (record.isError) return <LoadError error={record.error} onRetry={() => void record.refetch()} />;
  if (!definition.data || !record.data) return <Loading />;

  const spec = definition.data;
  const data = record.data;
  const title = spec.title_field ? data[spec.title_field] : null;
  const titleText = title === null || title === undefined || title === '' ? `#${data.id}` : String(title);
  const listLabel = localized(spec.plural_label ?? spec.label, i18n.language) ?? entity;
  const attachmentFields = spec.fields.filter((f) => f.type === 'attachment');
  const relations = relationsOf(all.data ?? [], entity);
  const documentRelations = attachmentFields.length ? [] : relations.filter((r) => r.entity.key === 'document');
  const otherRelations = relations.filter((r) => !documentRelations.includes(r));

  const remove = () => {
    setBusy(true);
    deleteRecord(entity, data.id)
      .then(() => {
        setDeleted(data);
        void client.invalidateQueries({ queryKey: queryKeys.records(entity), refetchType: 'none' });
      })
      .catch((error: unknown) => void message.error(isApiError(error) ? error.message : String(error)))
      .finally(() => setBusy(false));
  };

  return (
    <div data-testid="record-page" data-entity={entity} data-record-id={String(data.id)}>
      <Space orientation="vertical" size={4} style={{ width: '100%', marginBottom: 16 }}>
        <Link to={paths.list(entity)} data-testid="record-back">← {t('records.back', { list: listLabel })}</Link>
        <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
          <Space wrap align="center">
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-title">{titleText}</Typography.Title>
            <Tag>{localized(spec.label, i18n.language) ?? entity}</Tag>
            {(transitions.data?.workflows ?? []).map((group) =>
              group.state ? (
                <Tag key={group.workflow} color={group.state.color} data-testid="record-state">
                  {localized(group.state.label, i18n.language) ?? group.state.key}
                </Tag>
              ) : null,
            )}
          </Space>
          <Space wrap>
            {actions.data && <RecordActions definition={spec} record={data} actions={actions.data} onDone={refresh} />}
            {may(spec, 'delete') && (
              <Popconfirm title={t('records.deleteConfirm')} okText={t('records.yes')} cancelText={t('records.no')} onConfirm={remove}>
                <Button danger loading={busy} data-testid="record-delete">{t('records.delete')}</Button>
              </Popconfirm>
            )}
          </Space>
        </Space>
        {transitions.data && <TransitionBar definition={spec} record={data} transitions={transitions.data.items} onDone={refresh} />}
      </Space>
      {approvals.data && approvals.data.length > 0 && <ApprovalPanel approvals={approvals.data} onDone={refresh} />}
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <RecordDetails definition={spec} record={data} formKey={formKey} editable={may(spec, 'update')} onSaved={() => { void message.success(t('records.saved')); refresh(); }} />
          {(attachmentFields.length > 0 || documentRelations.length > 0) && (
            <Card size="small" title={t('records.attachments')} style={{ marginBottom: 16 }} data-testid="attachments">
              {attachmentFields.map((field) => (
                <AttachmentField key={field.key} entity={entity} field={field} record={data} onSaved={refresh} />
              ))}
              {documentRelations.length > 0 && <RelatedLists relations={documentRelations} id={id} />}
            </Card>
          )}
          {otherRelations.length > 0 && (
            <Card size="small" title={t('records.related')} style={{ marginBottom: 16 }}>
              <RelatedLists relations={otherRelations} id={id} />
            </Card>
          )}
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('records.history')}>
            {history.isError ? <LoadError error={history.error} onRetry={() => void history.refetch()} /> : history.isPending ? <Loading /> : <HistoryTimeline items={timeline} />}
          </Card>
        </Col>
      </Row>
    </div>
  );
}

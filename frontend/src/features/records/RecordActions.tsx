// The manual rules (buttons) the caller may run on this record: confirm, run, say how it
// went and link the records it now points at (a converted lead's deal).

import { App, Button, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/errors';
import type { EntityDefinition } from '../../api/meta';
import type { RecordData, RecordRef } from '../../api/records';
import { paths } from '../../app/paths';
import { localized } from '../../i18n/localized';
import { runRecordAction, type RecordAction } from './recordQueries';

export interface CreatedLink {
  entity: string;
  label: string;
  ref: RecordRef;
}

/** Relation values the run set or changed: what it created for this record. */
export function newLinks(definition: EntityDefinition, before: RecordData, after: RecordData, language: string): CreatedLink[] {
  const links: CreatedLink[] = [];
  for (const field of definition.fields) {
    if (field.type !== 'relation' || !field.options?.target) continue;
    if (JSON.stringify(before[field.key] ?? null) === JSON.stringify(after[field.key] ?? null)) continue;
    const refs = after._refs?.[field.key];
    for (const ref of Array.isArray(refs) ? refs : refs ? [refs] : []) {
      links.push({ entity: String(field.options.target), label: localized(field.label, language) ?? field.key, ref });
    }
  }
  return links;
}

export function RecordActions({ definition, record, actions, onDone }: { definition: EntityDefinition; record: RecordData; actions: RecordAction[]; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [links, setLinks] = useState<CreatedLink[]>([]);
  const run = async (action: RecordAction) => {
    const label = localized(action.label, i18n.language) ?? action.rule;
    setBusy(action.rule);
    try {
      const result = await runRecordAction(definition.key, record.id, action.rule);
      void message.success(t('records.ruleDone', { rule: label }));
      setLinks(newLinks(definition, record, result.record, i18n.language));
      onDone();
    } catch (error) {
      void message.error(t('records.failed', { message: isApiError(error) ? error.message : String(error) }));
    } finally {
      setBusy(null);
    }
  };
  if (!actions.length && !links.length) return null;
  return (
    <Space wrap data-testid="record-actions">
      {actions.map((action) => {
        const label = localized(action.label, i18n.language) ?? action.rule;
        return (
          <Popconfirm key={action.rule} title={t('records.runConfirm', { rule: label })} okText={t('records.yes')} cancelText={t('records.no')} onConfirm={() => void run(action)}>
            <Button disabled={!action.available} loading={busy === action.rule} data-testid={`action-${action.rule}`}>{label}</Button>
          </Popconfirm>
        );
      })}
      {links.map((link) => (
        <Link key={`${link.entity}-${link.ref.id}`} to={paths.record(link.entity, link.ref.id)} data-testid={`created-${link.entity}`}>
          {t('records.openCreated', { label: link.label, title: link.ref.title ?? `#${link.ref.id}` })}
        </Link>
      ))}
    </Space>
  );
}

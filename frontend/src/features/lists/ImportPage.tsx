// `/e/:entity/import`: the import wizard over `POST /api/records/{entity}/import`. Upload a
// CSV/XLSX (a dry run with no mapping tells which columns the file has and how the server
// would match them), map each column to a field or skip it (select fields may map cell values),
// choose insert or upsert by a key field, preview as a dry run with per-row errors, then run.

import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Radio, Result, Select, Space, Steps, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { EntityDefinition } from '../../api/meta';
import { recordsPath } from '../../api/records';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { queryKeys, useEntityDefinition } from '../../app/queries';
import { localized } from '../../i18n/localized';
import { autoMatch, csvHeaders, importForm, type ColumnMapping, type ImportChoices } from './importMapping';

interface ImportError {
  row: number;
  column: string | null;
  field: string | null;
  message: string;
}

interface ImportReport {
  dry_run: boolean;
  mapping: Record<string, unknown>;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ImportError[];
  errors_truncated?: boolean;
}

function runImport(entity: string, file: File, choices: ImportChoices | null): Promise<ImportReport> {
  return api.upload<ImportReport>(`${recordsPath(entity)}/import`, importForm(file, choices));
}

function mappedField(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { field?: unknown }).field === 'string') return (value as { field: string }).field;
  return null;
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text data-testid="import-counts">{t('lists.counts', { total: report.total, inserted: report.inserted, updated: report.updated, unchanged: report.unchanged, failed: report.failed })}</Typography.Text>
      {report.errors.length ? (
        <Table<ImportError>
          data-testid="import-errors"
          size="small"
          rowKey={(e, i) => `${e.row}-${e.column ?? ''}-${i}`}
          dataSource={report.errors}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('lists.row'), dataIndex: 'row' },
            { title: t('lists.column'), dataIndex: 'column' },
            { title: t('lists.field'), dataIndex: 'field' },
            { title: t('lists.message'), dataIndex: 'message' },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('lists.noErrors')}</Typography.Text>
      )}
    </Space>
  );
}

function Wizard({ entity }: { entity: EntityDefinition }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const client = useQueryClient();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [values, setValues] = useState<Record<string, Record<string, string>>>({});
  const [mode, setMode] = useState<'insert' | 'upsert'>('insert');
  const [keyField, setKeyField] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const fieldOptions = [
    { value: '', label: t('lists.skip') },
    ...entity.fields.filter((f) => !f.readonly).map((f) => ({ value: f.key, label: `${localized(f.label, language) ?? f.key} (${f.key})` })),
  ];
  const choices = (dryRun: boolean): ImportChoices => ({ mapping, values, mode, keyField, dryRun });

  async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (cause) {
      setError(isApiError(cause) ? [cause.message, ...cause.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message))].join(' — ') : String(cause));
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function choose(chosen: File) {
    setFile(chosen);
    const answer = await attempt(async () => {
      const headers = /\.csv$/i.test(chosen.name) ? csvHeaders(await chosen.text()) : [];
      let serverMapping: Record<string, unknown> = {};
      try {
        serverMapping = (await runImport(entity.key, chosen, null)).mapping ?? {};
      } catch (cause) {
        if (!headers.length) throw cause;
      }
      const columns = headers.length ? headers : Object.keys(serverMapping);
      const guessed = autoMatch(columns, entity.fields);
      for (const column of columns) if (mappedField(serverMapping[column])) guessed[column] = mappedField(serverMapping[column]);
      return guessed;
    });
    if (answer) {
      setMapping(answer);
      setStep(1);
    }
  }

  async function preview() {
    const answer = await attempt(() => runImport(entity.key, file as File, choices(true)));
    if (answer) {
      setReport(answer);
      setStep(2);
    }
  }

  async function run() {
    const answer = await attempt(() => runImport(entity.key, file as File, choices(false)));
    if (answer) {
      setReport(answer);
      setStep(3);
      void client.invalidateQueries({ queryKey: queryKeys.records(entity.key) });
    }
  }

  const selectColumns = Object.entries(mapping).filter(([, key]) => entity.fields.find((f) => f.key === key)?.type === 'select');
  const entityName = localized(entity.plural_label ?? entity.label, language) ?? entity.key;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }} data-testid="import-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('lists.importTitle', { entity: entityName })}
      </Typography.Title>
      <Steps current={step} status={step === 3 ? 'finish' : 'process'} items={[{ title: t('lists.stepUpload') }, { title: t('lists.stepMap') }, { title: t('lists.stepPreview') }, { title: t('lists.stepRun') }]} />
      {error && <Alert type="error" showIcon message={error} data-testid="import-error" />}
      {step === 0 && (
        <Card>
          <Space direction="vertical">
            <label>
              <Typography.Text>{t('lists.chooseFile')}</Typography.Text>{' '}
              <input
                data-testid="import-file"
                type="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e) => {
                  const chosen = e.target.files?.[0];
                  if (chosen) void choose(chosen);
                }}
              />
            </label>
            {busy && <Typography.Text type="secondary">{t('lists.readingFile')}</Typography.Text>}
            {file && !busy && (
              <Typography.Text>
                <UploadOutlined /> {t('lists.fileChosen', { name: file.name })}
              </Typography.Text>
            )}
          </Space>
        </Card>
      )}
      {step === 1 && (
        <Card>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Table
              data-testid="import-mapping"
              size="small"
              pagination={false}
              rowKey="column"
              dataSource={Object.entries(mapping).map(([column, field]) => ({ column, field }))}
              columns={[
                { title: t('lists.column'), dataIndex: 'column' },
                {
                  title: t('lists.field'),
                  render: (_: unknown, row: { column: string; field: string | null }) => (
                    <Select
                      data-testid={`map-${row.column}`}
                      aria-label={`${t('lists.field')}: ${row.column}`}
                      style={{ width: 280 }}
                      showSearch
                      optionFilterProp="label"
                      value={row.field ?? ''}
                      options={fieldOptions}
                      onChange={(key: string) => setMapping((m) => ({ ...m, [row.column]: key || null }))}
                    />
                  ),
                },
              ]}
            />
            {selectColumns.map(([column, key]) => {
              const field = entity.fields.find((f) => f.key === key);
              if (!field || !key) return null;
              return (
                <Space key={column} direction="vertical">
                  <Typography.Text strong>
                    {t('lists.valueMapping')}: {column}
                  </Typography.Text>
                  {(field.options?.choices ?? []).map((choice) => (
                    <Space key={choice.value}>
                      <Input
                        style={{ width: 200 }}
                        aria-label={`${column} → ${choice.value}`}
                        value={Object.entries(values[key] ?? {}).find(([, v]) => v === choice.value)?.[0] ?? ''}
                        onChange={(e) =>
                          setValues((all) => {
                            const current = Object.fromEntries(Object.entries(all[key] ?? {}).filter(([, v]) => v !== choice.value));
                            if (e.target.value) current[e.target.value] = choice.value;
                            return { ...all, [key]: current };
                          })
                        }
                      />
                      <span>→ {localized(choice.label, language) ?? choice.value}</span>
                    </Space>
                  ))}
                </Space>
              );
            })}
            <Space wrap>
              <Typography.Text>{t('lists.mode')}</Typography.Text>
              <Radio.Group data-testid="import-mode" value={mode} onChange={(e) => setMode(e.target.value as 'insert' | 'upsert')}>
                <Radio value="insert">{t('lists.modeInsert')}</Radio>
                <Radio value="upsert">{t('lists.modeUpsert')}</Radio>
              </Radio.Group>
              {mode === 'upsert' && (
                <Select
                  aria-label={t('lists.keyField')}
                  placeholder={t('lists.keyField')}
                  style={{ width: 220 }}
                  value={keyField}
                  onChange={setKeyField}
                  options={entity.fields.filter((f) => ['text', 'email', 'phone', 'number', 'integer', 'autonumber'].includes(f.type)).map((f) => ({ value: f.key, label: localized(f.label, language) ?? f.key }))}
                />
              )}
            </Space>
            <Space>
              <Button onClick={() => setStep(0)}>{t('lists.back')}</Button>
              <Button type="primary" data-testid="import-preview" loading={busy} disabled={mode === 'upsert' && !keyField} onClick={() => void preview()}>
                {t('lists.preview')}
              </Button>
            </Space>
          </Space>
        </Card>
      )}
      {step === 2 && report && (
        <Card>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="info" message={t('lists.previewHint')} />
            <Report report={report} />
            <Space>
              <Button onClick={() => setStep(1)}>{t('lists.back')}</Button>
              <Button type="primary" data-testid="import-run" loading={busy} onClick={() => void run()}>
                {t('lists.runImport')}
              </Button>
            </Space>
          </Space>
        </Card>
      )}
      {step === 3 && report && (
        <Result
          status={report.failed ? 'warning' : 'success'}
          title={t('lists.done')}
          extra={[
            <Link key="list" to={paths.list(entity.key)} data-testid="import-back">
              {t('lists.backToList')}
            </Link>,
            <Button key="again" onClick={() => { setStep(0); setFile(null); setReport(null); }}>
              {t('lists.importAnother')}
            </Button>,
          ]}
        >
          <Report report={report} />
        </Result>
      )}
    </Space>
  );
}

export function ImportPage() {
  const { entity: key = '' } = useParams();
  const entity = useEntityDefinition(key);
  if (entity.error) return <LoadError error={entity.error} onRetry={() => void entity.refetch()} />;
  if (!entity.data) return <Loading />;
  return <Wizard entity={entity.data} />;
}

// `/e/:entity/new`: the entity's form (its form definition, else the generated one) to
// create a record, prefilled from `?values=`; on success, the new record's page.

import { useQueryClient } from '@tanstack/react-query';
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { paths } from '../../app/paths';
import { LoadError, Loading } from '../../app/PageStates';
import { queryKeys, useEntityDefinition } from '../../app/queries';
import { LoomForm } from '../../forms/LoomForm';
import { localized } from '../../i18n/localized';
import { prefillFromQuery } from '../forms/prefill';
import { useRenderedForm } from '../forms/useRenderedForm';
import { useFormKey } from './recordQueries';

function NewRecordForm({ entity, formKey }: { entity: string; formKey: string }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const definition = useEntityDefinition(entity);
  const { rendered, loading, error, reload } = useRenderedForm(formKey);
  if (!rendered) return loading ? <Loading /> : <LoadError error={error} onRetry={reload} />;
  const label = localized(definition.data?.label ?? null, i18n.language) ?? rendered.title ?? entity;
  return (
    <Card title={t('records.newTitle', { entity: label })} data-testid="new-record" extra={<Link to={paths.list(entity)}>{t('records.cancel')}</Link>}>
      <LoomForm
        rendered={rendered}
        prefill={prefillFromQuery(params.get('values'), rendered)}
        onSuccess={(result) => {
          const id = typeof result === 'object' && result !== null ? (result as { id?: unknown }).id : undefined;
          void client.invalidateQueries({ queryKey: queryKeys.records(entity) });
          if (id !== undefined && id !== null) void navigate(paths.record(entity, String(id)));
          else void navigate(paths.list(entity));
        }}
      />
    </Card>
  );
}

export function NewRecordPage() {
  const { entity = '' } = useParams();
  const formKey = useFormKey(entity);
  if (!formKey) return <Loading />;
  return <NewRecordForm key={`${entity}-${formKey}`} entity={entity} formKey={formKey} />;
}

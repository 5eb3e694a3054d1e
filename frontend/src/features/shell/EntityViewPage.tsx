// `/e/:entity[/v/:view]`: an entity's records in one of its views. Picks the view (the one
// named, else the entity's default, else a list of its first fields for an entity no view
// was defined for), offers the entity's other views as tabs, and lazy-loads the page of the
// view's type so a list never downloads the calendar or the Gantt. Switching views keeps the
// address's filter (a project's tasks stay that project's on its board).

import { AppstoreOutlined, CalendarOutlined, ProjectOutlined, TableOutlined } from '@ant-design/icons';
import { Segmented, Space, Typography } from 'antd';
import { lazy, Suspense, useMemo, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { ViewDefinition, ViewType } from '../../api/apps';
import { ApiError } from '../../api/errors';
import type { EntityDefinition } from '../../api/meta';
import { LoadError, Loading } from '../../app/PageStates';
import { paths } from '../../app/paths';
import { useEntityDefinition, useViews } from '../../app/queries';
import { localized } from '../../i18n/localized';
import type { EntityViewProps } from './viewProps';

const PAGES: Record<ViewType, ComponentType<EntityViewProps>> = {
  list: lazy(() => import('../lists/ListView').then((m) => ({ default: m.ListView }))),
  kanban: lazy(() => import('../boards/KanbanView').then((m) => ({ default: m.KanbanView }))),
  calendar: lazy(() => import('../boards/CalendarView').then((m) => ({ default: m.CalendarView }))),
  gantt: lazy(() => import('../boards/GanttView').then((m) => ({ default: m.GanttView }))),
};

const ICONS: Record<ViewType, React.ReactNode> = {
  list: <TableOutlined />,
  kanban: <AppstoreOutlined />,
  calendar: <CalendarOutlined />,
  gantt: <ProjectOutlined />,
};

const UNLISTED_TYPES = new Set(['long_text', 'rich_text', 'sub_table', 'attachment']);

/** A plain list of the first few fields, for an entity without any view definition. */
export function fallbackView(entity: EntityDefinition): ViewDefinition {
  return {
    key: '',
    label: entity.plural_label ?? entity.label,
    entity: entity.key,
    type: 'list',
    columns: entity.fields.filter((f) => !UNLISTED_TYPES.has(f.type)).slice(0, 6).map((f) => f.key),
  };
}

export function chooseView(entity: EntityDefinition, views: ViewDefinition[], wanted?: string): ViewDefinition | null {
  if (wanted) return views.find((v) => v.key === wanted) ?? null;
  return views.find((v) => v.default) ?? views.find((v) => v.type === 'list') ?? views[0] ?? fallbackView(entity);
}

function parseWhere(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function EntityViewPage() {
  const { t, i18n } = useTranslation();
  const { entity: entityKey = '', view: viewKey } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const entity = useEntityDefinition(entityKey);
  const views = useViews(entityKey);
  const where = useMemo(() => parseWhere(search.get('where')), [search]);

  if (entity.error) return <LoadError error={entity.error} onRetry={() => void entity.refetch()} />;
  if (views.error) return <LoadError error={views.error} onRetry={() => void views.refetch()} />;
  if (!entity.data || !views.data) return <Loading />;
  const view = chooseView(entity.data, views.data, viewKey);
  if (!view) return <LoadError error={new ApiError(404, 'not_found', t('shell.viewMissing'))} />;
  const Page = PAGES[view.type] ?? PAGES.list;
  const title = localized(entity.data.plural_label ?? entity.data.label, i18n.language) ?? entity.data.key;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="entity-title">
          {title}
        </Typography.Title>
        {views.data.length > 1 && (
          <Segmented
            data-testid="view-switcher"
            value={view.key}
            onChange={(key) => navigate({ pathname: paths.list(entityKey, String(key)), search: search.toString() })}
            options={views.data.map((v) => ({
              value: v.key,
              icon: ICONS[v.type],
              label: localized(v.label, i18n.language) ?? v.key,
            }))}
          />
        )}
      </Space>
      <Suspense fallback={<Loading />}>
        <Page key={`${entityKey}/${view.key}`} entity={entity.data} view={view} where={where} />
      </Suspense>
    </Space>
  );
}

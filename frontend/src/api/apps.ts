// The navigation (`GET /api/apps`) and the view definitions a reader uses (`GET /api/views`).

import type { LocalizedText } from '../i18n/localized';
import { api } from './client';

export interface AppEntity {
  key: string;
  label: LocalizedText;
  plural_label: LocalizedText;
  icon?: string | null;
  default_view: string | null;
  /** The form its records open in: a form definition's key, else the entity's generated form. */
  form?: string;
}

export interface AppSummary {
  key: string;
  title: LocalizedText;
  version: string | null;
  entities: AppEntity[];
  views: { key: string; label: LocalizedText; entity: string; type: ViewType }[];
  dashboards: { key: string; label: LocalizedText }[];
}

export type ViewType = 'list' | 'kanban' | 'calendar' | 'gantt';

export interface ViewDefinition {
  key: string;
  label: LocalizedText;
  entity: string;
  type: ViewType;
  columns?: string[];
  where?: unknown;
  sort?: { field: string; direction?: 'asc' | 'desc' }[];
  default?: boolean;
  group_field?: string;
  date_field?: string;
  end_field?: string;
  parent_field?: string;
  progress_field?: string;
  dependencies?: { entity: string; from: string; to: string };
  [option: string]: unknown;
}

export async function fetchApps(signal?: AbortSignal): Promise<AppSummary[]> {
  return (await api.get<{ items: AppSummary[] }>('/api/apps', signal)).items;
}

export async function fetchViews(entity?: string, signal?: AbortSignal): Promise<ViewDefinition[]> {
  const query = entity ? `?entity=${encodeURIComponent(entity)}` : '';
  return (await api.get<{ items: ViewDefinition[] }>(`/api/views${query}`, signal)).items;
}

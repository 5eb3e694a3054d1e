// The dashboard answer (`GET /api/dashboards/{key}`), computed as the reader, with the reader's
// own filters (`?filters={entity: JsonLogic}`) ANDed into every widget over that entity.

import { api } from '../../api/client';
import type { LocalizedText } from '../../i18n/localized';

export type JsonLogic = unknown;
export type ChartType = 'number' | 'bar' | 'line' | 'pie' | 'table';

export interface WidgetGroup {
  key: Record<string, string | number | boolean | null>;
  titles?: Record<string, string>;
  value: number | null;
}

export interface DashboardWidget {
  key: string;
  label: LocalizedText;
  entity: string;
  chart: ChartType;
  group_by?: string[];
  metric?: string;
  where?: JsonLogic;
  ratio_of?: JsonLogic;
  link_view?: string;
  value?: number | null;
  groups?: WidgetGroup[];
  error?: { code: string; message: string };
}

export interface DashboardAnswer {
  key: string;
  label: LocalizedText;
  description?: LocalizedText | null;
  widgets: DashboardWidget[];
}

export type DashboardFilters = Record<string, JsonLogic>;

export async function fetchDashboard(key: string, filters: DashboardFilters, signal?: AbortSignal) {
  const query = Object.keys(filters).length ? `?filters=${encodeURIComponent(JSON.stringify(filters))}` : '';
  return api.get<DashboardAnswer>(`/api/dashboards/${encodeURIComponent(key)}${query}`, signal);
}

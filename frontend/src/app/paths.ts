// Every in-app address in one place, so a list, a card, a chart or a notification links
// to the same page the same way.

import type { RecordId } from '../api/records';

export const paths = {
  home: () => '/',
  app: (app: string) => `/apps/${encodeURIComponent(app)}`,
  /** An entity's list; `view` picks a view definition (list, kanban, calendar, gantt). */
  list: (entity: string, view?: string | null) =>
    view ? `/e/${encodeURIComponent(entity)}/v/${encodeURIComponent(view)}` : `/e/${encodeURIComponent(entity)}`,
  /** A list pre-filtered by a JsonLogic condition (a dashboard's drill-down). */
  filteredList: (entity: string, where: unknown, view?: string | null) =>
    `${paths.list(entity, view)}?where=${encodeURIComponent(JSON.stringify(where))}`,
  record: (entity: string, id: RecordId) => `/e/${encodeURIComponent(entity)}/r/${encodeURIComponent(String(id))}`,
  newRecord: (entity: string) => `/e/${encodeURIComponent(entity)}/new`,
  importRecords: (entity: string) => `/e/${encodeURIComponent(entity)}/import`,
  dashboard: (key: string) => `/dashboards/${encodeURIComponent(key)}`,
  notifications: () => '/inbox/notifications',
  approvals: () => '/inbox/approvals',
  portal: () => '/portal',
};

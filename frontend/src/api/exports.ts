// Download addresses of a list's records as a file (`GET /api/records/{entity}/export`), with
// the same filter, search, sort and columns as the list, so a plain link saves what is shown.

import { listSearch, recordsPath, type ListQuery } from './records';

export function exportUrl(entity: string, query: Pick<ListQuery, 'where' | 'q' | 'sort' | 'fields'>, format: 'csv' | 'xlsx' = 'csv'): string {
  const search = listSearch(query);
  return `${recordsPath(entity)}/export${search ? `${search}&` : '?'}format=${format}`;
}

// Bulk edit, delete and restore of chosen rows (`POST /api/records/{entity}/bulk`): each row is
// written on its own, so the answer counts the successes and lists each refused row's reason.

import { api } from '../../api/client';
import { recordsPath, type RecordId } from '../../api/records';

export interface BulkRowError {
  id: RecordId;
  code: string;
  message: string;
  details: { field: string | null; message: string }[];
}

export interface BulkAnswer {
  action: 'update' | 'delete' | 'restore';
  /** The ids written (the server lists them; their count is what the user is told). */
  succeeded: RecordId[];
  failed: number;
  errors: BulkRowError[];
}

export function bulkChange(
  entity: string,
  action: BulkAnswer['action'],
  ids: RecordId[],
  values?: Record<string, unknown>,
): Promise<BulkAnswer> {
  return api.post<BulkAnswer>(`${recordsPath(entity)}/bulk`, { action, ids: ids.map(Number), ...(values ? { values } : {}) });
}

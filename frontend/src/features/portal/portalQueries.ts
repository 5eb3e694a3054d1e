// The portal's server reads, as the signed-in customer: the API's row scope decides what
// comes back (their company, their projects, what is shared with them); nothing is filtered here.

import { useQuery } from '@tanstack/react-query';
import { getRecord, listRecords, type RecordData } from '../../api/records';
import { queryKeys } from '../../app/queries';

const PAGE = 200;

export function useRecordList(entity: string, where?: unknown, sort?: string[]) {
  return useQuery({
    queryKey: [...queryKeys.records(entity), 'portal', JSON.stringify(where ?? null), (sort ?? []).join(',')],
    queryFn: async ({ signal }): Promise<RecordData[]> =>
      (await listRecords(entity, { where, sort, limit: PAGE }, signal)).items,
  });
}

export function usePortalRecord(entity: string, id: string) {
  return useQuery({
    queryKey: queryKeys.record(entity, id),
    queryFn: ({ signal }) => getRecord(entity, id, signal),
    enabled: Boolean(id),
  });
}

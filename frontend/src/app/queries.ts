// The shared server state every page reads (react-query caches it per signed-in session):
// the navigation, entity definitions and view definitions. Pages add their own queries.

import { QueryClient, useQuery } from '@tanstack/react-query';
import { fetchApps } from '../api/apps';
import { fetchViews } from '../api/apps';
import { isApiError } from '../api/errors';
import { fetchEntityDefinition, fetchEntityDefinitions } from '../api/meta';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A refusal or a missing record will not change by asking again.
        retry: (failures, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && failures < 2,
      },
    },
  });
}

export const queryKeys = {
  apps: ['apps'] as const,
  entities: ['meta', 'entities'] as const,
  entity: (key: string) => ['meta', 'entity', key] as const,
  views: (entity?: string) => ['views', entity ?? '*'] as const,
  records: (entity: string) => ['records', entity] as const,
  record: (entity: string, id: string | number) => ['records', entity, 'one', String(id)] as const,
  notifications: ['notifications'] as const,
  approvals: ['approvals'] as const,
};

/** `enabled` false asks nothing (the shell of a signed-out visitor must not get a 401). */
export function useApps(enabled = true) {
  return useQuery({ queryKey: queryKeys.apps, queryFn: ({ signal }) => fetchApps(signal), enabled });
}

export function useEntityDefinitions() {
  return useQuery({ queryKey: queryKeys.entities, queryFn: ({ signal }) => fetchEntityDefinitions(signal), staleTime: 300_000 });
}

export function useEntityDefinition(entity: string) {
  return useQuery({
    queryKey: queryKeys.entity(entity),
    queryFn: ({ signal }) => fetchEntityDefinition(entity, signal),
    staleTime: 300_000,
    enabled: Boolean(entity),
  });
}

export function useViews(entity?: string) {
  return useQuery({ queryKey: queryKeys.views(entity), queryFn: ({ signal }) => fetchViews(entity, signal), staleTime: 300_000 });
}

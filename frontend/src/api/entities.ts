// The entities the caller may use (`GET /api/meta/entities`: readers get the ones they can read).

import { api } from './client';

export interface EntitySummary {
  key: string;
  label: Record<string, string>;
  description?: Record<string, string>;
}

export async function fetchEntities(signal?: AbortSignal): Promise<EntitySummary[]> {
  const answer = await api.get<{ items: EntitySummary[] }>('/api/meta/entities', signal);
  return answer.items;
}

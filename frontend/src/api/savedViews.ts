// A person's saved list views (`/api/saved-views`): the columns, filter, sort and search of a
// list kept under a name, to reopen later; `state` is the list's own JSON.

import { api } from './client';

export interface SavedView<State = unknown> {
  id: number;
  entity: string;
  name: string;
  state: State;
  shared: boolean;
  mine: boolean;
  owner: unknown;
}

export async function fetchSavedViews<State>(entity: string, signal?: AbortSignal): Promise<SavedView<State>[]> {
  return (await api.get<{ items: SavedView<State>[] }>(`/api/saved-views?entity=${encodeURIComponent(entity)}`, signal)).items;
}

export function createSavedView<State>(entity: string, name: string, state: State, shared = false): Promise<SavedView<State>> {
  return api.post<SavedView<State>>('/api/saved-views', { entity, name, state, shared });
}

export function updateSavedView<State>(id: number, changes: { name?: string; state?: State; shared?: boolean }): Promise<SavedView<State>> {
  return api.patch<SavedView<State>>(`/api/saved-views/${id}`, changes);
}

export function deleteSavedView(id: number): Promise<null> {
  return api.delete<null>(`/api/saved-views/${id}`);
}

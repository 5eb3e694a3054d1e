// Which installed app the person is in: the one in the address (`/apps/:app`), else the app
// owning the entity or dashboard on screen, else the one they last chose (kept per browser),
// else the one that opens the most entities to them (a rep's CRM, a project manager's Projects).

import { useMemo } from 'react';
import { matchPath, useLocation } from 'react-router';
import type { AppSummary } from '../api/apps';

const STORAGE_KEY = 'loomworks.app';

export function rememberApp(key: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, key);
  } catch {
    // storage unavailable: the choice lasts for this page
  }
}

function rememberedApp(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function appForLocation(apps: AppSummary[], pathname: string, remembered: string | null): AppSummary | null {
  const byKey = (key: string | undefined | null) => (key ? apps.find((a) => a.key === key) : undefined);
  const app = matchPath('/apps/:app', pathname)?.params.app;
  const entity = matchPath('/e/:entity/*', pathname)?.params.entity;
  const dashboard = matchPath('/dashboards/:key', pathname)?.params.key;
  const last = byKey(remembered);
  const owning = (test: (a: AppSummary) => boolean) => (last && test(last) ? last : apps.find(test));
  return (
    byKey(app) ??
    (entity ? owning((a) => a.entities.some((e) => e.key === entity)) : undefined) ??
    (dashboard ? owning((a) => a.dashboards.some((d) => d.key === dashboard)) : undefined) ??
    last ??
    widest(apps)
  );
}

function widest(apps: AppSummary[]): AppSummary | null {
  return apps.reduce<AppSummary | null>((best, app) => (!best || app.entities.length > best.entities.length ? app : best), null);
}

export function useCurrentApp(apps: AppSummary[] | undefined): AppSummary | null {
  const { pathname } = useLocation();
  return useMemo(() => (apps ? appForLocation(apps, pathname, rememberedApp()) : null), [apps, pathname]);
}

import { describe, expect, it } from 'vitest';
import type { AppSummary } from '../api/apps';
import { appForLocation } from './currentApp';
import { isPortalUser } from './portal';

function app(key: string, entities: string[], dashboards: string[] = []): AppSummary {
  return {
    key,
    title: key,
    version: '1.0.0',
    entities: entities.map((e) => ({ key: e, label: e, plural_label: e, default_view: null })),
    views: [],
    dashboards: dashboards.map((d) => ({ key: d, label: d })),
  };
}

const apps = [app('crm', ['company', 'deal'], ['sales']), app('projects', ['project', 'task'], ['delivery']), app('crm_projects', ['company', 'project'])];

describe('the app a page belongs to', () => {
  it('is the one in the address', () => {
    expect(appForLocation(apps, '/apps/projects', 'crm')?.key).toBe('projects');
  });

  it('is the app owning the entity or dashboard on screen', () => {
    expect(appForLocation(apps, '/e/task/r/3', null)?.key).toBe('projects');
    expect(appForLocation(apps, '/dashboards/sales', 'projects')?.key).toBe('crm');
  });

  it('stays the remembered app when that app also has the entity', () => {
    expect(appForLocation(apps, '/e/company', 'crm_projects')?.key).toBe('crm_projects');
    expect(appForLocation(apps, '/e/company', 'projects')?.key).toBe('crm');
  });

  it('falls back to the remembered app, then the one opening the most entities', () => {
    expect(appForLocation(apps, '/inbox/notifications', 'projects')?.key).toBe('projects');
    expect(appForLocation(apps, '/', 'gone')?.key).toBe('crm');
    const pm = [app('crm', ['company']), app('projects', ['project', 'task', 'milestone'])];
    expect(appForLocation(pm, '/', null)?.key).toBe('projects');
    expect(appForLocation([], '/', null)).toBeNull();
  });
});

describe('portal users', () => {
  it('are people with only portal roles', () => {
    expect(isPortalUser({ id: 1, email: 'c@x', roles: ['customer'] })).toBe(true);
    expect(isPortalUser({ id: 1, email: 'c@x', roles: ['customer', 'sales_rep'] })).toBe(false);
    expect(isPortalUser({ id: 1, email: 'c@x', roles: [] })).toBe(false);
    expect(isPortalUser(null)).toBe(false);
  });
});

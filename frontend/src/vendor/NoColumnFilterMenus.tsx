// Stands in for antd Table's per-column filter menu (antd/es/table/hooks/useFilter/FilterDropdown)
// in our build (see vite.config.ts). Loomworks lists filter through the filter builder, never
// through a column's `filters`/`filterDropdown`, and that menu pulls Tree, Menu, Dropdown,
// Radio and more into the first load of every list page (about 30 kB gzipped). Antd only
// renders it for a column that declares filters: should one ever do so, the column still
// renders and this says loudly why its filter menu is missing.

import type { ReactNode } from 'react';

interface FilterItem {
  value: unknown;
  children?: FilterItem[];
}

/** The same helper antd's module exports (useFilter imports it). */
export function flattenKeys(filters: FilterItem[] | undefined): unknown[] {
  let keys: unknown[] = [];
  (filters ?? []).forEach(({ value, children }) => {
    keys.push(value);
    if (children) keys = [...keys, ...flattenKeys(children)];
  });
  return keys;
}

let told = false;

export default function NoColumnFilterMenu({ children }: { children?: ReactNode }) {
  if (!told) {
    told = true;
    console.error('Loomworks builds antd Table without per-column filter menus: filter through the filter builder instead.');
  }
  return <>{children}</>;
}

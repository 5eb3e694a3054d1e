// The form's layout (docs/forms.md) normalized for rendering: tabs of sections with a
// title, a column count (1-4) and the fields they name that are on the form now; fields
// no section names go to a last section. Pure, so it is tested without React.

import { localized } from '../i18n/localized';
import type { FormLayout, LayoutSection, LayoutTab } from './types';

export interface NormalSection {
  key: string;
  title: string | null;
  columns: number;
  fields: string[];
}

export interface NormalTab {
  key: string;
  title: string;
  sections: NormalSection[];
}

export interface NormalLayout {
  /** Empty when the form has no tabs. */
  tabs: NormalTab[];
  /** Sections outside tabs (a layout of sections, or none). */
  sections: NormalSection[];
  /** Fields no section names, shown last. */
  rest: string[];
}

function columnsOf(value: unknown): number {
  return typeof value === 'number' && value >= 1 ? Math.min(4, Math.floor(value)) : 1;
}

function section(raw: LayoutSection, key: string, shown: Set<string>, named: Set<string>, language: string): NormalSection {
  const fields = (raw.fields ?? []).filter((f) => shown.has(f) && !named.has(f));
  fields.forEach((f) => named.add(f));
  return { key, title: raw.title ?? localized(raw.label, language), columns: columnsOf(raw.columns), fields };
}

function tabSections(tab: LayoutTab): LayoutSection[] {
  if (tab.sections?.length) return tab.sections;
  return tab.fields ? [{ fields: tab.fields }] : [];
}

export function normalizeLayout(layout: FormLayout | null | undefined, fields: string[], language: string): NormalLayout {
  const shown = new Set(fields);
  const named = new Set<string>();
  const tabs = (layout?.tabs ?? []).map((tab, t) => ({
    key: tab.key ?? `tab-${t}`,
    title: tab.title ?? localized(tab.label, language) ?? tab.key ?? `${t + 1}`,
    sections: tabSections(tab).map((s, i) => section(s, `tab-${t}-section-${i}`, shown, named, language)),
  }));
  const sections = (layout?.sections ?? []).map((s, i) => section(s, `section-${i}`, shown, named, language));
  return { tabs, sections, rest: fields.filter((f) => !named.has(f)) };
}

/** The key of the first tab holding one of `fields` (top-level keys), if any. */
export function tabWith(layout: NormalLayout, fields: string[]): string | undefined {
  const wanted = new Set(fields);
  return layout.tabs.find((tab) => tab.sections.some((s) => s.fields.some((f) => wanted.has(f))))?.key;
}

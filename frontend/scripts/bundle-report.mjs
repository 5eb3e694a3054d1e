// What the browser downloads for the first load of each main page, from the build's
// manifest: the entry chunk plus every chunk the page's lazy route pulls in statically
// (what a first visit fetches before the page can render), gzipped as a server sends it.
// Usage: node scripts/bundle-report.mjs [dist folder]   (the README quotes its output)
// Exits non-zero when a list page's first load is over its budget (the 400 kB), so
// the test run catches a dependency that slips into the first load.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'dist'));
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf-8'));
const ENTRY = 'index.html';
const LIST_PAGE = 'list (first load of a list page)';
const LIST_BUDGET_BYTES = 400_000;
/** Each page: the route modules App.tsx and EntityViewPage lazy-load for it. */
const PAGES = {
  'sign-in': [],
  'list (first load of a list page)': ['src/features/shell/EntityViewPage.tsx', 'src/features/lists/ListView.tsx'],
  'record page': ['src/features/records/RecordPage.tsx'],
  kanban: ['src/features/shell/EntityViewPage.tsx', 'src/features/boards/KanbanView.tsx'],
  calendar: ['src/features/shell/EntityViewPage.tsx', 'src/features/boards/CalendarView.tsx'],
  gantt: ['src/features/shell/EntityViewPage.tsx', 'src/features/boards/GanttView.tsx'],
  dashboard: ['src/features/dashboards/DashboardPage.tsx'],
  'customer portal': ['src/features/portal/PortalPage.tsx'],
};

function closure(keys) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const next of manifest[key].imports ?? []) visit(next);
  };
  keys.forEach(visit);
  return seen;
}

const gzipped = new Map();
function gzipSize(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(dist, file))).length);
  return gzipped.get(file);
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
console.log('page'.padEnd(36), 'chunks'.padStart(6), 'gzipped JS'.padStart(12));
for (const [page, modules] of Object.entries(PAGES)) {
  const missing = modules.filter((m) => !manifest[m]);
  if (missing.length) throw new Error(`not in the build's manifest: ${missing.join(', ')}`);
  const chunks = [...closure([ENTRY, ...modules])].map((key) => manifest[key].file).filter((f) => f.endsWith('.js'));
  const total = chunks.reduce((sum, file) => sum + gzipSize(file), 0);
  console.log(page.padEnd(36), String(chunks.length).padStart(6), kB(total).padStart(12));
  if (page === LIST_PAGE && total > LIST_BUDGET_BYTES) {
    console.error(`the first load of a list page is ${kB(total)} of gzipped JS, over its ${kB(LIST_BUDGET_BYTES)} budget`);
    process.exitCode = 1;
  }
}

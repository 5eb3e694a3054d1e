// Vite builds the browser client into dist/ (served by Flask) and proxies /api to the
// local Flask server in development; Vitest reuses the same config with jsdom.
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** antd Table's column filter menus are never used (lists filter through the filter builder);
 * leaving them out keeps a list page's first load under its budget. See src/vendor/. */
function withoutColumnFilterMenus(): Plugin {
  const replacement = decodeURIComponent(new URL('./src/vendor/NoColumnFilterMenus.tsx', import.meta.url).pathname);
  return {
    name: 'loomworks-without-column-filter-menus',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './FilterDropdown' && importer && /antd[\\/]es[\\/]table[\\/]hooks[\\/]useFilter[\\/]/.test(importer)) {
        return replacement;
      }
      return null;
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [react(), withoutColumnFilterMenus()],
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:5000', changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 3000, manifest: true },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 20000,
  },
});

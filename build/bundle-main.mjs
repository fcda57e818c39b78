// Bundles the main process, the preload, the host-mode and console-server entries with esbuild. Dependencies stay
// external for main and host (installed node_modules, native better-sqlite3); the preload is a
// single CommonJS file because a sandboxed preload cannot load ES modules or node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', define: { __APP_VERSION__: JSON.stringify(version) } };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.js', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/host/main.ts'], outfile: 'dist/electron/host.js', format: 'esm', packages: 'external' }),
  // The center's console server (npm run server): the same services over PostgreSQL, TLS, many desks.
  build({ ...common, entryPoints: ['electron/server/main.ts'], outfile: 'dist/electron/server.js', format: 'esm', packages: 'external' }),
  // npm run db:setup: the center's roles, migrations and grants, once per database (and again when safe).
  build({ ...common, entryPoints: ['electron/server/db-setup.ts'], outfile: 'dist/electron/db-setup.js', format: 'esm', packages: 'external' }),
  // Ticket search runs in a worker thread with its own read-only connection (see electron/store/search).
  build({ ...common, entryPoints: ['electron/store/search/worker.ts'], outfile: 'dist/electron/search-worker.js', format: 'esm', packages: 'external' }),
  // Excel imports unpack and scan the workbook in a worker thread, within limits (see electron/jobs).
  build({ ...common, entryPoints: ['electron/jobs/xlsx-worker.ts'], outfile: 'dist/electron/xlsx-worker.js', format: 'esm', packages: 'external' }),
  // The category model's linear half is refit in a worker thread (see electron/classify/refit-client.ts).
  build({ ...common, entryPoints: ['electron/classify/refit-worker.ts'], outfile: 'dist/electron/category-refit-worker.js', format: 'esm', packages: 'external' }),
  // Hotspots (未诉先办) are mined and clustered in a worker thread (see electron/hotspots).
  build({ ...common, entryPoints: ['electron/hotspots/worker.ts'], outfile: 'dist/electron/hotspot-worker.js', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
]);

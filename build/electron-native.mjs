// Builds better-sqlite3 for Electron's ABI into dist/native/, leaving node_modules built for
// Node (tests, host mode) untouched. Run by `npm start` and `npm run dist:win` on a machine that
// can download Electron's headers; it is never part of `npm install`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const out = resolve(`dist/native/electron-${electronVersion}-${process.platform}-${process.arch}/better_sqlite3.node`);
if (existsSync(out)) process.exit(0);

const nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp) {
  console.error('找不到 node-gyp：请通过 npm 运行（npm start / npm run dist:win）。');
  process.exit(1);
}
const src = dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(join(tmpdir(), 'hotline-native-'));
try {
  cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${src}/build`) });
  console.log(`正在为 Electron ${electronVersion} 编译 better-sqlite3 …`);
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`,
    '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit' });
  mkdirSync(dirname(out), { recursive: true });
  cpSync(join(work, 'build/Release/better_sqlite3.node'), out);
} finally {
  rmSync(work, { recursive: true, force: true });
}

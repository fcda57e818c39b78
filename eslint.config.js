// Layering is enforced here, not hoped for: shared/ imports nothing of the app and no runtime
// APIs; electron/ and renderer/ import shared/ and never each other; only two files touch raw IPC.
// test/lint/layering.test.ts proves each rule fires.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const notRenderer = { group: ['**/renderer/**', '@mantine/*', 'react', 'react-dom'], message: 'electron/ never imports the renderer: talk through the contract.' };
const notDemo = { group: ['**/demo', '**/demo/**'], message: 'Demo data is wired in only by a composition root (electron/app/console-app.ts, electron/main.ts, electron/host/main.ts).' };
const notRouter = { group: ['**/rpc/**'], message: 'Services publish events on the EventBus port they are given; they never import the router (rpc/).' };
const notCallers = { group: ['**/app/**', '**/host/**'], message: 'Services never import their callers (handlers in app/, the host): take what you need as a parameter.' };

/** Where the app is put together: the only electron/ files that may wire in demo data. */
export const compositionRoots = ['electron/app/console-app.ts', 'electron/main.ts', 'electron/host/main.ts'];

const rawIpc = { name: 'electron', importNames: ['ipcMain', 'ipcRenderer', 'contextBridge'], message: 'Raw IPC lives only in electron/rpc/electron-binding.ts and electron/preload.ts; go through the contract.' };

export default tseslint.config(
  { ignores: ['dist/**', '.tsbuild/**', 'node_modules/**', 'release/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // A closure may read a variable that is assigned once, later (late-bound references).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [rawIpc] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins.map((name) => ({ name, message: 'shared/ runs in every process: no Node APIs.' })), rawIpc,
          { name: 'electron', message: 'shared/ imports nothing of Electron.' }],
        patterns: [
          { group: ['**/electron/**', '**/renderer/**', '**/test/**'], message: 'shared/ imports nothing of the app.' },
          { group: ['react', 'react-dom', '@mantine/*', 'better-sqlite3', 'kysely', 'sip.js', 'ws'], message: 'shared/ holds pure rules and the contract: no UI, store or network libraries.' },
        ],
      }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc], patterns: [notRenderer, notDemo] }] },
  },
  {
    // Services tell others what changed by publishing on the EventBus port they are given; the
    // router (rpc/) is the hub's, and a service that reached into it would bypass the audiences.
    // Handlers (app/) and the host call services, never the other way round.
    files: ['electron/services/**/*.ts', 'electron/phone/**/*.ts', 'electron/jobs/**/*.ts', 'electron/events/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc], patterns: [notRenderer, notDemo, notRouter, notCallers] }] },
  },
  {
    // Generated demo data is wired in only where the app is composed (and by tests and fixtures).
    files: [...compositionRoots, 'electron/demo/**/*.ts', 'electron/**/*.test.ts', 'electron/store/search/testing.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc], patterns: [notRenderer] }] },
  },
  {
    files: ['electron/rpc/electron-binding.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [notRenderer, notDemo] }] },
  },
  {
    // Only the store speaks SQL: outside electron/store/ no value imports of kysely (types pass a handle
    // through) and nothing of better-sqlite3. Search and demo data reach the store through its
    // adapters (electron/store/search, electron/store/demo-writer.ts). No exceptions but tests.
    files: ['electron/**/*.ts'],
    ignores: ['electron/store/**', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [
        { name: 'kysely', allowTypeImports: true, message: 'Only electron/store/ builds SQL: put the query in a repository (electron/store/repos).' },
        { name: 'better-sqlite3', message: 'Only electron/store/ opens SQLite.' },
      ] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/refs': 'off',
      // No React Compiler here; TanStack Virtual's API is fine without memoisation.
      'react-hooks/incompatible-library': 'off',
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins.map((name) => ({ name, message: 'The renderer is sandboxed: no Node APIs.' })),
          { name: 'electron', message: 'The renderer talks to main only through the contract client.' }],
        patterns: [{ group: ['**/electron/**', 'better-sqlite3', 'kysely', 'sip.js', 'ws'], message: 'The renderer never imports main-process code.' }],
      }],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.test.ts', '**/*.test.tsx', '*.config.*', 'build/**'],
    languageOptions: { globals: globals.node },
  },
);

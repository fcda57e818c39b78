import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** Suites that build the console app (test/support/app.ts) and run on both stores: 'unit' on SQLite, 'pg' on PostgreSQL. */
const PG_SUITES = [
  'test/workflow/**/*.test.ts', 'test/consultation/**/*.test.ts', 'test/contract/**/*.test.ts',
  'electron/app/**/*.test.ts', 'electron/services/users*.test.ts', 'electron/classify/category-service.test.ts',
  'test/security/access.test.ts', 'test/security/ticket-departments.test.ts', 'test/security/contract-fuzz.test.ts',
  'test/security/contract-text.test.ts', 'test/security/host-input.test.ts', 'test/outreach/**/*.test.ts',
  // A desk (its own process, on SQLite) against a center on either store.
  'electron/desk/desk-offline.test.ts', 'electron/desk/desk-calls.test.ts', 'electron/desk/desk-offline-signin.test.ts', 'electron/desk/desk-outreach.test.ts',
  'electron/desk/desk-recordings.test.ts', 'electron/desk/recording-upload.test.ts',
];

export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/lint/**/*.test.ts', 'test/bench/**/*.test.ts', 'test/workflow/**/*.test.ts', 'test/consultation/**/*.test.ts', 'test/eval/**/*.test.ts', 'test/security/**/*.test.ts', 'test/outreach/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/test/setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'store',
          environment: 'node',
          include: ['test/store/**/*.test.ts'],
          // A private PostgreSQL cluster for the run (initdb + pg_ctl on a free port, removed at the
          // end); each file makes its own database on it.
          globalSetup: ['test/support/postgres-global.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The app-level suites again, each test app on a new database of a private PostgreSQL
          // cluster (test/support/app.ts reads HOTLINE_TEST_STORE): one suite, two stores.
          name: 'pg',
          environment: 'node',
          include: PG_SUITES,
          globalSetup: ['test/support/postgres-global.ts'],
          env: { HOTLINE_TEST_STORE: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'sip',
          environment: 'node',
          include: ['test/sip/**/*.test.ts', 'test/phone/**/*.test.ts'],
          // Real Kamailio and sipp processes: one file at a time, generous timeouts.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The phone seat over Kamailio with the console on PostgreSQL.
          name: 'sip-pg',
          environment: 'node',
          include: ['test/phone/**/*.test.ts'],
          globalSetup: ['test/support/postgres-global.ts'],
          env: { HOTLINE_TEST_STORE: 'postgres' },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

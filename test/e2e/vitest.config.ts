import { defineConfig } from 'vitest/config';

// End-to-end: the built console in host mode, driven in Debian's Chromium. One file at a time;
// each starts its own host on a free port with its own data folder.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

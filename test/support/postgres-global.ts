import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres';

/**
 * Global setup of the 'store' test project: one PostgreSQL cluster for the run (initdb and start
 * take about a second), stopped and removed when the run ends. Each test file creates its own
 * database on it (`createDatabaseOn(inject('postgresAdminUrl'))`), so files never see each other's rows.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresAdminUrl', server.adminUrl);
  return () => server.stop();
}

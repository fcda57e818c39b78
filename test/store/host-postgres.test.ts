/**
 * Host mode on a center's PostgreSQL database (`--store-url`), as its own processes: two servers
 * started at once with --demo both come up on one demo data set; a URL that is not PostgreSQL's,
 * or a server that does not answer, is refused at start with a clear message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { createDatabaseOn } from '../support/postgres';
import { spawnHostFromSource, type SpawnedHost } from '../security/spawn-host';

const dirs: string[] = [];
const hosts: SpawnedHost[] = [];
const host = (args: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-host-pg-'));
  dirs.push(dir);
  const h = spawnHostFromSource(dir, args);
  hosts.push(h);
  return h;
};
afterAll(async () => {
  for (const h of hosts) await h.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A port nothing listens on. */
const closedPort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

describe('host mode with --store-url', () => {
  it('two hosts started at once on an empty database serve one demo data set', async () => {
    const url = await createDatabaseOn(inject('postgresAdminUrl'));
    const [a, b] = [host(['--demo', '--demo-tickets', '120', '--store-url', url]), host(['--demo', '--demo-tickets', '120', '--store-url', url])];
    const [ra, rb] = await Promise.all([a.outcome, b.outcome]);
    expect(ra.ready, a.stderr()).toBe(true);
    expect(rb.ready, b.stderr()).toBe(true);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ tickets: number; admins: number; demo: string }>(`select (select count(*)::int from tickets) as tickets,
        (select count(*)::int from users where username = 'admin') as admins, (select value from meta where key = 'demo') as demo`);
      expect(rows[0]).toEqual({ tickets: 120, admins: 1, demo: '1' });
    } finally {
      await c.end();
    }
  }, 120_000);

  it('refuses a URL that is not a PostgreSQL one, naming the expected form', async () => {
    const h = host(['--store-url', 'mysql://hotline@db/hotline']);
    const r = await h.outcome;
    expect(r.ready).toBe(false);
    expect(h.stderr()).toContain('数据库连接地址无效');
  }, 60_000);

  it('refuses to start when the database server does not answer, saying where it tried', async () => {
    const port = await closedPort();
    const h = host(['--store-url', `postgres://hotline:secret@127.0.0.1:${port}/hotline`]);
    const r = await h.outcome;
    expect(r.ready).toBe(false);
    expect(h.stderr()).toContain(`无法连接 PostgreSQL 数据库 127.0.0.1:${port}/hotline`);
    // The password never reaches the message.
    expect(h.stderr()).not.toContain('secret');
  }, 60_000);
});

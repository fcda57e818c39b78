import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pgConnection, loadPgSettings, readAdminPassword, PG_ENV } from '../store/pg-settings';
import { setupCenterDatabase } from '../store/pg-setup';
import { storeFailureMessage } from '../store/errors';

class SetupArgsError extends Error {}

/**
 * `npm run db:setup`: prepares a center's PostgreSQL database for the console servers, from the
 * same HOTLINE_PG_* settings (or `--config` file) the servers use: HOTLINE_PG_USER is the runtime
 * role, HOTLINE_PG_OWNER_USER the schema owner, each with its password from the environment or a
 * file. It connects as a superuser (`--admin-user`, default postgres; password from
 * HOTLINE_PG_ADMIN_PASSWORD(_FILE), else PGPASSWORD or ~/.pgpass). Safe to run again.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let values: { config?: string; 'admin-user'?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, 'admin-user': { type: 'string' } } }));
  } catch (e) {
    throw new SetupArgsError(`命令行参数有误：${(e as Error).message}。用法：npm run db:setup -- [--config pg.json] [--admin-user postgres]，其余设置见 HOTLINE_PG_*。`);
  }
  const settings = loadPgSettings(env, values.config ? resolve(values.config) : env[PG_ENV.config]);
  if (!settings.owner) {
    throw new SetupArgsError(`未配置架构所有者：请设置 ${PG_ENV.ownerUser} 及其密码（${PG_ENV.ownerPassword} 或 ${PG_ENV.ownerPasswordFile}）。运行角色是 ${PG_ENV.user}（“${settings.user}”）。`);
  }
  const adminUser = values['admin-user'] ?? env.HOTLINE_PG_ADMIN_USER ?? 'postgres';
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(adminUser)) throw new SetupArgsError(`管理员角色名无效：“${adminUser}”。`);
  const { url, options } = pgConnection(settings);
  await setupCenterDatabase({ url, options, admin: { user: adminUser, password: readAdminPassword(env) } }, (line) => process.stdout.write(`${line}\n`));
}

main(process.argv.slice(2), process.env).then(() => process.exit(0), (e: unknown) => {
  const known = e instanceof SetupArgsError ? e.message : storeFailureMessage(e);
  process.stderr.write(`${known ?? `数据库设置失败：${(e as Error).stack ?? String(e)}`}\n`);
  process.exit(1);
});

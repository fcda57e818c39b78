import { fail } from '../../../shared/contract';
import type { JobRunner } from '../../jobs/job-runner';
import type { XlsxService } from '../../services/xlsx-io';
import { sessionOf, userOf, type HandlerSlice } from './context';

/** Excel export and import of tickets, and the background jobs a user started. */
export function importsJobsHandlers(xlsx: XlsxService, jobs: JobRunner, imported: () => void = () => {}): HandlerSlice<'tickets.exportXlsx' | 'tickets.importXlsx' | `jobs.${string}`> {
  return {
    'tickets.exportXlsx': (i, ctx) => xlsx.export(i, sessionOf(ctx)),
    'tickets.importXlsx': (i, ctx) => {
      const actor = userOf(ctx);
      // A file that is not a zip (every .xlsx is one) is refused at once rather than as a failed job.
      if (!Buffer.from(i.base64.slice(0, 8), 'base64').subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
        fail('invalid_input', { issues: [{ path: 'base64', problem: 'not_xlsx' }] });
      }
      return jobs.start('tickets.import', actor, async (job) => {
        const result = await xlsx.import(i.base64, i.mapping, i.dryRun, actor, job);
        // Imported tickets count in the overview (wallboards re-read it); a dry run wrote nothing.
        if (!i.dryRun) imported();
        return result;
      });
    },
    'jobs.get': (i, ctx) => jobs.get(i.id, sessionOf(ctx)),
    'jobs.list': (_i, ctx) => jobs.list(sessionOf(ctx)),
    'jobs.cancel': (i, ctx) => jobs.cancel(i.id, sessionOf(ctx)),
  };
}

import type { JobRunner } from '../../jobs/job-runner';
import type { DivisionImportService } from '../../services/division-import';
import { userOf, type HandlerSlice } from './context';

/** The administrative-division catalogue and its import, run as a job. */
export function divisionHandlers(divisions: DivisionImportService, jobs: JobRunner, onReferenceChanged: () => void): HandlerSlice<`divisions.${string}`> {
  return {
    'divisions.catalogue': () => divisions.catalogue(),
    'divisions.previewImport': (i) => divisions.previewImport(i.cityCode),
    'divisions.importCity': (i, ctx) => {
      const actor = userOf(ctx);
      return jobs.start('divisions.import', actor, async (job) => {
        const r = await divisions.importCity(i.cityCode, actor, job);
        onReferenceChanged();
        return r;
      });
    },
  };
}

import type { ConsultationService } from '../../services/consultation';
import { buildAnalysisDocx } from '../../services/analysis-report';
import { escalateFinding, type MonthlyAnalysisService } from '../../services/monthly-analysis';
import type { JobRunner } from '../../jobs/job-runner';
import { sessionOf, userOf, type HandlerSlice } from './context';

/** 每月分析研判: generation as a job, the Word file, and a finding handed to the consultation queue. */
export function analysisHandlers(analysis: MonthlyAnalysisService, jobs: JobRunner, consultation: ConsultationService): HandlerSlice<`analysis.${string}`> {
  return {
    'analysis.monthly': (i, ctx) => jobs.start('analysis.monthly', userOf(ctx), (job) => analysis.generate(i.month, job)),
    'analysis.exportDocx': async (i) => {
      const report = await analysis.generate(i.month);
      return { fileName: `分析研判-${i.month}.docx`, base64: (await buildAnalysisDocx(report)).toString('base64') };
    },
    'analysis.escalateFinding': (i, ctx) => escalateFinding(analysis, (x, s) => consultation.escalate({ ...x, source: 'analysis' }, s), i, sessionOf(ctx)),
  };
}

import { z } from 'zod';
import { request, event } from './define';
import type { ContractError } from './errors';
import type { ImportResult } from './xlsx';
import type { DivisionImportResult } from './division';
import type { MonthlyAnalysis } from './analysis';
import type { RecordingPurgeResult } from './recordings';

/**
 * Long work (imports, re-indexing, reports) runs as a job in main: the request that starts it
 * returns at once with the job's view, progress arrives as `job.progress` events to the user who
 * started it, and the user can cancel it. A cancelled or failed job leaves the store as it was.
 */
export interface JobResults {
  'tickets.import': ImportResult;
  'divisions.import': DivisionImportResult;
  'analysis.monthly': MonthlyAnalysis;
  'recordings.purge': RecordingPurgeResult;
}
export type JobKind = keyof JobResults;
export const jobKinds = ['tickets.import', 'divisions.import', 'analysis.monthly', 'recordings.purge'] as const satisfies readonly JobKind[];

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobViewOf<K extends JobKind> {
  id: string;
  kind: K;
  state: JobState;
  /** What the job is doing now, a catalogue key under `jobs.phases` (e.g. 'reading', 'checking', 'writing'). */
  phase: string;
  /** Units done out of total in this phase; total 0 = not known yet. */
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
  /** Set when state is 'done'. */
  result: JobResults[K] | null;
  /** Set when state is 'failed'. */
  error: ContractError | null;
}
export type JobView = { [K in JobKind]: JobViewOf<K> }[JobKind];

const jobId = z.string().regex(/^[0-9a-f-]{36}$/);

export const jobRequests = {
  /** A job of mine (admins may look at anyone's). */
  'jobs.get': request<JobView>()(z.object({ id: jobId }).strict(), 'session'),
  /** My running and recently finished jobs, newest first. */
  'jobs.list': request<JobView[]>()(z.object({}).strict(), 'session'),
  /** Asks a running job to stop; it rolls back what it did. Finished jobs are left as they are. */
  'jobs.cancel': request<JobView>()(z.object({ id: jobId }).strict(), 'session'),
};

export const jobEvents = {
  /** A job of mine moved on (throttled to a few per second) or finished. */
  'job.progress': event<JobView>(),
};

import { z } from 'zod';
import { request } from './define';
import type { JobViewOf } from './jobs';

/** Ticket fields an import can fill, and whether a column for them is required. */
export const importFields = {
  number: false, createdAt: true, phone: false, callerName: false, appealType: true, category: true,
  title: true, content: true, district: false, address: false, status: false,
} as const;
export type ImportField = keyof typeof importFields;

export interface ImportRowError { row: number; column: string; problem: string; value?: string }

export interface ImportResult {
  /** False when nothing was written: every problem found is listed. */
  ok: boolean;
  imported: number;
  rows: number;
  errors: ImportRowError[];
  /** Column headers found in the sheet, for the mapping screen. */
  headers: string[];
}

/** The largest workbook accepted (base64 text); bigger imports are split by the user. */
export const MAX_XLSX_BASE64 = 28 * 1024 * 1024;

export const xlsxRequests = {
  'tickets.exportXlsx': request<{ fileName: string; base64: string; rows: number }>()(z.object({
    from: z.string().datetime().optional(), to: z.string().datetime().optional(),
    status: z.array(z.string().max(32)).max(20).optional(), limit: z.number().int().min(1).max(50_000),
  }).strict(), ['shift_lead', 'admin'], 'tickets'),
  /** Starts an import job; its ImportResult arrives with the finished job (see jobs.ts). */
  'tickets.importXlsx': request<JobViewOf<'tickets.import'>>()(z.object({
    base64: z.string().min(1).max(MAX_XLSX_BASE64),
    /** Field → column header in the sheet; fields left out are not imported. */
    mapping: z.partialRecord(z.enum(Object.keys(importFields) as [ImportField, ...ImportField[]]), z.string().max(100)),
    /** Check everything, write nothing. */
    dryRun: z.boolean(),
  }).strict(), ['admin']),
};

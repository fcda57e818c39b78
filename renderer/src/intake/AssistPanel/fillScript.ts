import { chinaHour } from '../../../../shared/domain/china-time';

/** What a call script's placeholders are filled with. */
export interface ScriptContext {
  /** The agent's 工号 (their login name). */
  agentNumber: string;
  /** The agent's name as colleagues and callers know it. */
  agentName: string;
  /** The caller's name, when already known. */
  callerName?: string;
  /** @default new Date() */
  now?: Date;
}

/** 上午好 / 中午好 / 下午好 / 晚上好 by the hour in China, where the hotline is. */
export function greetingAt(now: Date): string {
  const hour = chinaHour(now);
  if (hour >= 5 && hour < 11) return '上午好';
  if (hour >= 11 && hour < 13) return '中午好';
  if (hour >= 13 && hour < 18) return '下午好';
  return '晚上好';
}

/**
 * Fills a script's placeholders ({工号}, {姓名}, {问候语} …) so the agent reads a finished
 * sentence. A placeholder the console does not know stays as written, so an admin sees the typo.
 * An unknown caller name reads as "先生/女士" rather than a gap in the sentence.
 */
export function fillScript(body: string, ctx: ScriptContext): string {
  const now = ctx.now ?? new Date();
  const values: Record<string, string> = {
    工号: ctx.agentNumber,
    坐席工号: ctx.agentNumber,
    姓名: ctx.agentName,
    坐席姓名: ctx.agentName,
    话务员: ctx.agentName,
    问候语: greetingAt(now),
    问候: greetingAt(now),
    来电人: ctx.callerName?.trim() || '先生/女士',
  };
  return body.replace(/[{｛]\s*([^{}｛｝\s]{1,10})\s*[}｝]/gu, (whole, name: string) => values[name] ?? whole);
}

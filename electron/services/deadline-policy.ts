import { fail, type DeadlinePolicyView } from '../../shared/contract';
import { DEFAULT_DEADLINE_POLICY, parseDeadlinePolicy, REPLY_WORKING_DAYS_LIMIT, type DeadlinePolicy, type DeadlinePolicyIssue } from '../../shared/domain/deadlines';
import { inTransaction, type Db } from '../store/repos/db';
import { readMeta, writeMeta } from '../store/repos/meta';
import { writeAudit } from './audit';

const KEY = 'deadline.policy';

/** One issue as the contract carries it: the policy path and what is wrong there. */
function toContractIssue(i: DeadlinePolicyIssue): { path: string; problem: string } {
  switch (i.code) {
    case 'sign_after_reply': return { path: `policy.reply.${i.urgency}.${i.appealType}`, problem: i.code };
    default: return { path: ['policy', ...i.path.filter((p) => p !== 'days')].join('.'), problem: i.code };
  }
}

/**
 * The sign and reply limits deadlines are computed with: the published defaults until an admin
 * sets the centre's own (kept in `meta`, read on every dispatch from memory). A policy that does
 * not make sense (a more urgent ticket given more time, signing due after replying, a reply time
 * beyond the published maximum) is refused whole.
 */
export class DeadlinePolicyService {
  private current: DeadlinePolicy = DEFAULT_DEADLINE_POLICY;
  private updatedAt: string | null = null;

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  async load(): Promise<void> {
    const stored = await readMeta(this.db, KEY);
    if (stored === null) return;
    const saved = JSON.parse(stored) as { policy: unknown; updatedAt: string };
    const parsed = parseDeadlinePolicy(saved.policy);
    // A stored policy that today's rules refuse (say, a limit lowered in an update) falls back to the defaults rather than stopping dispatch.
    if (parsed.ok) [this.current, this.updatedAt] = [parsed.policy, saved.updatedAt];
  }

  policy = (): DeadlinePolicy => this.current;

  view(): DeadlinePolicyView {
    return { policy: this.current, source: this.updatedAt ? 'admin' : 'default', updatedAt: this.updatedAt, defaults: DEFAULT_DEADLINE_POLICY, replyLimits: REPLY_WORKING_DAYS_LIMIT };
  }

  async set(input: unknown, actorId: string): Promise<DeadlinePolicyView> {
    const parsed = parseDeadlinePolicy(input);
    if (!parsed.ok) fail('invalid_input', { issues: parsed.issues.map(toContractIssue) });
    const updatedAt = this.now().toISOString();
    const changed = changes(this.current, parsed.policy);
    await inTransaction(this.db, async (trx) => {
      await writeMeta(trx, KEY, JSON.stringify({ policy: parsed.policy, updatedAt }));
      await writeAudit(trx, { actorId, action: 'deadlines.policy_set', subjectType: 'deadline_policy', subjectId: 'policy', data: { changes: changed } });
    });
    [this.current, this.updatedAt] = [parsed.policy, updatedAt];
    return this.view();
  }
}

/** "reply.normal.help: 5 → 7" lines for the audit trail. */
function changes(before: DeadlinePolicy, after: DeadlinePolicy): string[] {
  const show = (r: { kind: string; days?: number }) => (r.kind === 'same_day' ? '当日' : String(r.days));
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string[]) => {
    if (a && typeof a === 'object' && 'kind' in a) {
      const [x, y] = [show(a as never), show(b as never)];
      if (x !== y) out.push(`${path.join('.')}: ${x} → ${y}`);
      return;
    }
    for (const k of Object.keys(a as object)) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, k]);
  };
  walk(before, after, []);
  return out;
}

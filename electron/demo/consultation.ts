import { escalateInput, meetingInput, measureInput, reportInput, researchInput, type SessionInfo } from '../../shared/contract';
import type { ConsultationService } from '../services/consultation';
import { addDays, chinaDateKey } from '../../shared/domain/china-time';

/** The consultation service calls the demo makes, as the people on duty would. */
export type DemoConsultationPort = Pick<ConsultationService, 'escalate' | 'claim' | 'addResearch' | 'addMeeting' | 'addMeasure' | 'saveReport' | 'hardCandidates'>;

/** A Beijing calendar date `days` from `now`. */

/**
 * A few escalated items in different stages, so the demo consultation queue does not start empty:
 * two waiting to be claimed (one urgent, one for the liaison station), one claimed, one researched,
 * one with a meeting and measures, one with its report drafted. Made through the service, so every
 * item went through the same rules as a real one. Returns how many items were made.
 */
export async function seedDemoConsultation(
  svc: DemoConsultationPort, people: { lead: SessionInfo; member: SessionInfo; expert: SessionInfo }, departmentIds: string[], now: Date,
): Promise<number> {
  const candidates = await svc.hardCandidates(12, people.lead);
  const plan = [
    { route: 'studio', urgency: 'urgent', to: 'queued' },
    { route: 'station', urgency: 'normal', to: 'queued' },
    { route: 'studio', urgency: 'normal', to: 'claimed' },
    { route: 'studio', urgency: 'normal', to: 'research' },
    { route: 'studio', urgency: 'normal', to: 'measures' },
    { route: 'station', urgency: 'normal', to: 'report' },
  ] as const;
  const today = chinaDateKey(now);
  let made = 0;
  for (const [i, step] of plan.entries()) {
    const ticket = candidates[i];
    if (!ticket) break;
    const item = await svc.escalate(escalateInput.parse({
      ticketIds: [ticket.id], route: step.route, urgency: step.urgency,
      reason: ticket.reason === 'reopened' ? '回访仍未解决，群众多次反映，需委员介入协调' : '已超期未办结，涉及多个部门职责交叉，提请协商',
    }), people.lead);
    made++;
    if (step.to === 'queued') continue;
    const worker = step.route === 'station' ? people.expert : people.member;
    await svc.claim(item.id, worker);
    if (step.to === 'claimed') continue;
    await svc.addResearch(researchInput.parse({
      itemId: item.id, method: 'site_visit', date: today, place: '问题现场及所在社区', people: '社区工作人员、来电群众',
      summary: '实地查看了现场情况，听取了社区和群众意见，问题属实，涉及多个部门职责。',
    }), worker);
    if (step.to === 'research') continue;
    const owner = departmentIds[i % departmentIds.length]!;
    await svc.addMeeting(meetingInput.parse({
      itemId: item.id, date: today, departmentIds: [owner], participants: '委员、承办单位负责人、社区书记',
      minutes: '会商明确了牵头单位和完成时限，约定两周后回访群众。', decisions: ['由牵头单位制定整改方案'],
    }), worker);
    await svc.addMeasure(measureInput.parse({ itemId: item.id, content: '制定整改方案并组织现场整治', ownerDepartmentId: owner, deadline: addDays(chinaDateKey(now), 14) }), worker);
    if (step.to === 'measures') continue;
    await svc.saveReport(reportInput.parse({
      itemId: item.id, title: `关于${ticket.title.slice(0, 40)}的社情民意信息`, problem: '群众多次来电反映，问题长期未解决。',
      suggestions: '建议明确牵头部门，建立定期会商和回访机制。',
    }), worker);
  }
  return made;
}

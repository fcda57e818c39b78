import { z } from 'zod';

export const roles = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead', 'department', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** The frame (main screen) each role works in. A user with several roles can switch frames. */
export const frames = ['agent_desk', 'consultation_queue', 'wallboard', 'department_desk', 'admin', 'proactive', 'hotspots', 'outreach'] as const;
export type Frame = (typeof frames)[number];

export const framesByRole: Record<Role, readonly Frame[]> = {
  agent: ['agent_desk', 'outreach'],
  cppcc_member: ['consultation_queue', 'agent_desk', 'proactive', 'outreach'],
  liaison_expert: ['consultation_queue', 'outreach'],
  shift_lead: ['wallboard', 'agent_desk', 'consultation_queue', 'proactive', 'hotspots', 'outreach'],
  department: ['department_desk', 'proactive'],
  admin: ['admin', 'wallboard', 'hotspots', 'outreach'],
};

/** Frames a user may open, in the order of their roles; the first is where login lands. */
export function framesFor(userRoles: readonly Role[]): Frame[] {
  const seen = new Set<Frame>();
  for (const role of userRoles) for (const frame of framesByRole[role]) seen.add(frame);
  return [...seen];
}

/** Deterministic demo data for 江城市: reference data, a ticket stream, and a bulk loader. */
export { generateReferenceData, leadDepartment, type ReferenceData, type CommunityModel, type LeafModel } from './reference';
export { generateTickets, type GenerateTicketsOptions, type TicketBundle } from './tickets';
export { loadDemoData, type LoadDemoOptions, type LoadDemoResult } from './load';
export { citizenAt, PHONE_PATTERN } from './citizens';
export type { AppealType, Channel } from './text';
export type { Urgency } from './lifecycle';
export { GENERATOR_VERSION, DEFAULT_REFERENCE_DATE } from './version';
export { seedDemoKnowledge } from './knowledge';

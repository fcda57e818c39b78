/**
 * The queries the benchmarks time. The screen pop is what runs while the phone rings: a caller's
 * last 20 tickets, which must stay an index seek on tickets_phone_created however large the history.
 */
export const SCREEN_POP_SQL = `select id, number, created_at, status, appeal_type, title
  from tickets where phone = ? order by created_at desc limit 20`;

/** The same query with every index on tickets ignored: the full-scan baseline. */
export const SCREEN_POP_SCAN_SQL = `select id, number, created_at, status, appeal_type, title
  from tickets not indexed where phone = ? order by created_at desc limit 20`;

/** Ticket search adapters (SQL): the SQLite FTS5 and PostgreSQL tsvector engines, the indexer and the SQLite search worker's location. */
export { indexTicket, removeTicketFromIndex, reindexAll, indexDemoData, searchIndexStatus, searchIndexStatusOf, createSqliteIndexer, foldFreshIndex, freshIndexSize } from './indexer';
export { createSearchEngine, type SearchEngine } from './sqlite-search';
export { createPostgresSearchEngine } from './pg-search';
export { createSearchIndex, createTicketSearch, searchTicketsInProcess, searchWorkerLocation, type SearchIndexOptions, type TicketSearchOptions } from './search-index';

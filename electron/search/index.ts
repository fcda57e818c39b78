/**
 * Chinese full-text ticket search, the pure half: tokenisation, query validation, the planner, result
 * rows, the worker client and the SearchIndex port. The SQL (FTS5 and PostgreSQL engines, the indexer,
 * the worker's connection) is in the store adapters, electron/store/search.
 */
export { tokenizeDocument, tokenizeTicket, planQuery, normalizeText, TOKENIZER_VERSION } from './tokenize';
export { SearchError, validateSearch, callerVisibilityOf, MAX_LIMIT, type CallerVisibility, type SearchInput, type SearchResult, type SearchRow, type SearchSnippet, type HighlightRange, type SearchErrorCode } from './query';
export { SearchClient, type SearchClientOptions, type SearchCallOptions } from './search-client';
export type { SearchIndex, TicketSearch, IndexableTicket, ReindexOptions, ReindexResult, SearchIndexStatus } from './search-index';

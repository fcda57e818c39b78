/** Chinese full-text ticket search: tokenisation, index maintenance, the search engine and its worker client. */
export { tokenizeDocument, tokenizeTicket, planQuery, normalizeText, TOKENIZER_VERSION } from './tokenize';
export { indexTicket, removeTicketFromIndex, reindexAll, indexDemoData, searchIndexStatus, searchIndexStatusOf, createSqliteIndexer, type ReindexOptions, type ReindexResult } from './indexer';
export { SearchError, validateSearch, callerVisibilityOf, MAX_LIMIT, type CallerVisibility, type SearchInput, type SearchResult, type SearchRow, type SearchSnippet, type HighlightRange, type SearchErrorCode } from './query';
export { createSearchEngine, type SearchEngine } from './search-engine';
export { SearchClient, defaultWorkerLocation, type SearchClientOptions, type SearchCallOptions } from './search-client';
export { createTicketSearch, searchTicketsInProcess, type TicketSearch, type TicketSearchOptions } from './search-service';
export { createSearchIndex, type SearchIndex, type SearchIndexOptions } from './search-index';
export { createPostgresSearchEngine } from './pg-search';

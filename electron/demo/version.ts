/** Bump when generated rows change for the same seed, so cached benchmark stores are rebuilt. */
export const GENERATOR_VERSION = 4;

/** A fixed default "now", so two runs with the same seed make byte-identical stores. */
export const DEFAULT_REFERENCE_DATE = '2025-11-28T04:00:00.000Z';

import { describe, expect, it } from 'vitest';

import { clusterPairwise } from '../../test/support/hotspot-pairwise';
import { synthMessages } from '../../test/support/hotspot-synth';
import { buildCorpus, cluster, linkWeights, prepareDoc } from './engine';
import { DEFAULT_PARAMS, type HotspotParams } from './types';

function corpusOf(seed: number, background: number, days: number, fields: boolean, undated = 0) {
  const p: HotspotParams = { ...DEFAULT_PARAMS };
  const { messages } = synthMessages({ seed, background, planted: 6, days, fields });
  // Some messages without time: they link on text alone, across any distance in time.
  const inputs = messages.map((m, i) => (i < undated ? { ...m, time: null } : m));
  const corpus = buildCorpus(
    inputs.map((m) => prepareDoc(m, p)),
    p,
  );
  return { corpus, p, ...linkWeights(corpus) };
}

describe('hotspot clustering through the rare-term index', () => {
  // The same clusters, in the same order, as comparing every pair of documents that share a term.
  it.each([
    ['a year of tickets with places and coordinates', 61, 3000, 365, true, 0],
    ['two months of messages, some without time', 62, 2000, 60, false, 150],
  ])('equals the pairwise comparison on %s', (_name, seed, background, days, fields, undated) => {
    const { corpus, p, weight, norm, days: d } = corpusOf(seed, background, days, fields, undated);
    const all = corpus.docs.map((_, i) => i);
    for (const tau of [0.15, p.linkThreshold, 0.35]) {
      const indexed = cluster(all, corpus.docTerms, weight, norm, d, tau, p);
      expect(indexed).toEqual(clusterPairwise(all, corpus.docTerms, weight, norm, d, tau, p, 0));
      // Not a degenerate case: many groups of linked documents.
      expect(indexed.filter((c) => c.length >= 3).length).toBeGreaterThan(5);
    }
  });
});

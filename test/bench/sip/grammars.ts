/**
 * Loads sip.js's SIP grammar twice — the pristine file kept by build/patch-sipjs.mjs
 * (grammar.orig.js) and the installed, patched grammar.js — and switches which one sip.js uses.
 *
 * Both files live in the same directory, so both import the very same URI / NameAddrHeader
 * classes: results can be compared with a strict deep-equal.
 *
 * The switch replaces `Grammar.parse` on sip.js's exported Grammar namespace with a function that
 * is a copy of sip.js's own (lib/grammar/grammar.js) over the chosen parser module. Every caller in
 * sip.js (the message parser, IncomingMessage#parseHeader, URIParse, nameAddrHeaderParse, the
 * transport, the user agent) looks the function up on that object at call time, so the switch takes
 * effect for the whole process, including a console app running in-process. Nothing on disk changes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Grammar } from 'sip.js';

/** What a peggy-generated module exports. */
export interface PegModule {
  parse(input: string, options?: { startRule?: string; data?: unknown; grammarSource?: unknown }): unknown;
  SyntaxError: new (...args: never[]) => Error;
}

/** The constants exported by build/patch-sipjs.mjs (imported by URL so TypeScript need not type the .mjs). */
interface PatchScript {
  EXPECTED_VERSION: string;
  ORIGINAL_SHA256: string;
  PATCHED_SHA256: string;
  sha256(text: string): string;
  locateSipJs(): { dir: string; version: string; grammar: string; backup: string } | null;
  patchGrammarSource(original: string): string;
}

const root = path.resolve(import.meta.dirname, '../../..');

export async function patchScript(): Promise<PatchScript> {
  return (await import(pathToFileURL(path.join(root, 'build/patch-sipjs.mjs')).href)) as PatchScript;
}

export interface Grammars {
  original: PegModule;
  patched: PegModule;
  files: { original: string; patched: string };
  sipjsVersion: string;
}

let loaded: Promise<Grammars> | undefined;

/** Both grammar modules, after checking each file is exactly what the patch script expects. */
export function loadGrammars(): Promise<Grammars> {
  loaded ??= (async () => {
    const script = await patchScript();
    const where = script.locateSipJs();
    if (!where) throw new Error('sip.js is not installed');
    const hint = 'run `node build/patch-sipjs.mjs` (the postinstall step) first';
    let patchedText: string;
    let originalText: string;
    try {
      patchedText = readFileSync(where.grammar, 'utf8');
      originalText = readFileSync(where.backup, 'utf8');
    } catch (e) {
      throw new Error(`sip.js grammar files missing (${(e as Error).message}); ${hint}`, { cause: e });
    }
    if (script.sha256(originalText) !== script.ORIGINAL_SHA256) throw new Error(`${where.backup} is not the pristine sip.js ${script.EXPECTED_VERSION} grammar; ${hint}`);
    if (script.sha256(patchedText) !== script.PATCHED_SHA256) throw new Error(`${where.grammar} is not patched; ${hint}`);
    // Same resolution as sip.js's own `import "./pegjs/dist/grammar.js"` (one module instance).
    const require = createRequire(path.join(root, 'package.json'));
    const patchedUrl = pathToFileURL(require.resolve('sip.js/lib/grammar/pegjs/dist/grammar.js')).href;
    const originalUrl = pathToFileURL(where.backup).href;
    const [original, patched] = await Promise.all([import(originalUrl), import(patchedUrl)]) as [PegModule, PegModule];
    return { original, patched, files: { original: where.backup, patched: where.grammar }, sipjsVersion: where.version };
  })();
  return loaded;
}

/** sip.js's Grammar.parse, verbatim in behaviour, over a given parser module. */
export function sipjsParse(peg: PegModule): (input: string, startRule: string) => unknown {
  return (input, startRule) => {
    const options: { startRule: string; data?: unknown } = { startRule };
    try {
      peg.parse(input, options);
    } catch {
      options.data = -1;
    }
    return options.data;
  };
}

export type GrammarChoice = 'original' | 'patched';

const installedParse = Grammar.parse;
const counters = { calls: 0 };

/**
 * Makes all of sip.js (in this process) parse with the chosen grammar file. Returns a counter of
 * grammar calls made since, so a benchmark can prove the switch reached the code it measures.
 */
export async function useGrammar(choice: GrammarChoice): Promise<{ readonly calls: number }> {
  const g = await loadGrammars();
  const parse = sipjsParse(g[choice]);
  counters.calls = 0;
  (Grammar as { parse: (input: string, startRule: string) => unknown }).parse = (input: string, startRule: string) => {
    counters.calls++;
    return parse(input, startRule);
  };
  return counters;
}

/** Puts sip.js's own Grammar.parse back. */
export function restoreGrammar(): void {
  (Grammar as { parse: unknown }).parse = installedParse;
}

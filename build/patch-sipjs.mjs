#!/usr/bin/env node
/**
 * patch-sipjs.mjs — makes sip.js 0.21.2's SIP grammar build its tables once instead of on every parse.
 *
 * WHY
 *   sip.js ships its SIP grammar as a peggy/ts-pegjs parser generated in "size" (bytecode) mode:
 *   node_modules/sip.js/lib/grammar/pegjs/dist/grammar.js. Its `peg$parse(input, options)` rebuilds,
 *   on every call, ~800 constants (strings, RegExps, expectation objects and ~100 action closures)
 *   and decodes the bytecode of all 237 rules (`peg$decode(...)`, a split + map per rule). sip.js calls
 *   that parser once for the start line and once per structured header (Via, From, To, Contact,
 *   Record-Route, CSeq, ...), so one INVITE pays for the table construction ~10 times. On our
 *   hardware that was ~4–5 ms per INVITE, almost all of it table construction, not parsing.
 *   Measure: `npx tsx test/sip/parse-bench.ts` (original and patched side by side).
 *
 * WHAT IT CHANGES (one file, nothing else)
 *   The body of `peg$parse` is split into what does not depend on the input and what does:
 *   - moved to module scope, built once at load: `peg$FAILED`, `peg$startRuleIndices`, `peg$consts`,
 *     `peg$bytecode`, and the helper/action functions (`text`, `location`, `peg$fail`,
 *     `peg$parseRule`, `list`, ...), all verbatim;
 *   - the per-call state they close over (`input`, `options`, `peg$currPos`, `peg$savedPos`,
 *     `peg$posDetailsCache`, `peg$maxFailPos`, `peg$maxFailExpected`, `peg$silentFails`,
 *     `peg$source`, `peg$startRuleIndex`) becomes module-level `let` bindings of the same names, which
 *     `peg$parse` initialises exactly as before and restores in a `finally` (so a re-entrant parse
 *     would still be correct, and the module keeps no reference to the last message).
 *   Statements run in the same order as before; the code of every rule, action and the bytecode
 *   interpreter is byte-for-byte unchanged. The only observable difference: the expectation objects
 *   in a thrown `SyntaxError#expected` are now shared between calls (sip.js's `Grammar.parse` catches
 *   and discards these errors; nothing in sip.js reads them).
 *   Equivalence test: test/bench/sip/grammar-equivalence.test.ts (original vs patched on a corpus).
 *
 * SAFETY
 *   - Patches only sip.js 0.21.2 whose grammar file has ORIGINAL_SHA256; anything else (an upgrade,
 *     a hand edit) is refused with exit code 1 and a message, so a new sip.js is never mis-patched.
 *     To move to a new sip.js: check whether its grammar still rebuilds tables per call, then update
 *     the anchors and hashes here (or delete this script if upstream fixed it).
 *   - Idempotent: a file whose hash is PATCHED_SHA256 (it also starts with MARKER) is left alone;
 *     a file patched by another revision of this script is re-patched from grammar.orig.js.
 *   - Keeps the pristine file next to it as grammar.orig.js (byte-identical, verified by hash; the
 *     equivalence test and the benchmarks load it). `npm ci` reinstalls the pristine package and
 *     this script runs again from postinstall.
 *   - Writes via a temp file + rename; verifies the output hash before renaming.
 *   - No network, no dependencies.
 *
 * USAGE
 *   node build/patch-sipjs.mjs            apply (postinstall); no-op when already patched
 *   node build/patch-sipjs.mjs --check    exit 0 when patched, 1 otherwise (CI / pre-dist guard)
 *   node build/patch-sipjs.mjs --restore  put the pristine grammar back (from grammar.orig.js)
 *   SIPJS_PATCH_SKIP=1                    skip with a warning (e.g. while trying a new sip.js)
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const EXPECTED_VERSION = '0.21.2';
export const GRAMMAR_REL = 'lib/grammar/pegjs/dist/grammar.js';
export const BACKUP_REL = 'lib/grammar/pegjs/dist/grammar.orig.js';
export const ORIGINAL_SHA256 = '66f6eabdcec39bfe90b9dbf3104e42af6169a6f4f5a1773694fce36c0262ab03';
export const PATCHED_SHA256 = '69a9d97ac07e05a8f2b80972b3b7ea7fcf6154499f8d115a6faf7417a73fdb8d';
export const MARKER = '/* hotline-console: patched by build/patch-sipjs.mjs (sip.js 0.21.2, tables built once at load; pristine copy: grammar.orig.js) */';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** The installed sip.js as Node resolves it from the project root (sip.js has no "exports" map). */
export function locateSipJs(root = PROJECT_ROOT) {
  const require = createRequire(path.join(root, 'package.json'));
  let pkgJson;
  try {
    pkgJson = require.resolve('sip.js/package.json');
  } catch {
    return null;
  }
  const dir = path.dirname(pkgJson);
  return {
    dir,
    version: JSON.parse(readFileSync(pkgJson, 'utf8')).version,
    grammar: path.join(dir, GRAMMAR_REL),
    backup: path.join(dir, BACKUP_REL),
  };
}

/** Takes `anchor` at `pos` or throws: every piece of the known file must be exactly where expected. */
function expectAt(source, pos, anchor, what) {
  if (!source.startsWith(anchor, pos)) throw new Error(`unexpected grammar source near ${what} (offset ${pos})`);
  return pos + anchor.length;
}
function indexOnce(source, needle, from, what) {
  const at = source.indexOf(needle, from);
  if (at < 0 || source.indexOf(needle, at + 1) >= 0) throw new Error(`anchor for ${what} not found exactly once`);
  return at;
}

const PER_CALL = ['input', 'options', 'peg$source', 'peg$startRuleIndex', 'peg$currPos', 'peg$savedPos',
  'peg$posDetailsCache', 'peg$maxFailPos', 'peg$maxFailExpected', 'peg$silentFails'];

/**
 * The transformation, pure: original file text in, patched text out. Splits the original into
 * consecutive pieces (asserting they cover it exactly) and reassembles them.
 */
export function patchGrammarSource(original) {
  const head = 'function peg$parse(input, options) {\n' +
    '    options = options !== undefined ? options : {};\n' +
    '    const peg$FAILED = {};\n' +
    '    const peg$source = options.grammarSource;\n';
  const prefixEnd = indexOnce(original, head, 0, 'peg$parse header');
  const prefix = original.slice(0, prefixEnd);
  let pos = prefixEnd + head.length;

  const rulesIdxStart = pos;
  pos = expectAt(original, pos, '    const peg$startRuleIndices = {', 'peg$startRuleIndices');
  pos = original.indexOf('\n', pos) + 1;
  const startRuleIndices = original.slice(rulesIdxStart, pos);
  pos = expectAt(original, pos, '    let peg$startRuleIndex = 119;\n', 'peg$startRuleIndex');

  const stateInit = '    let peg$currPos = 0;\n' +
    '    let peg$savedPos = 0;\n' +
    '    const peg$posDetailsCache = [{ line: 1, column: 1 }];\n' +
    '    let peg$maxFailPos = 0;\n' +
    '    let peg$maxFailExpected = [];\n' +
    '    let peg$silentFails = 0;\n' +
    '    let peg$result;\n';
  expectAt(original, pos, '    const peg$consts = [\n', 'peg$consts');
  const tablesEnd = indexOnce(original, '    ];\n' + stateInit, pos, 'end of peg$bytecode') + '    ];\n'.length;
  const tables = original.slice(pos, tablesEnd); // peg$consts and peg$bytecode
  if ((tables.match(/^ {4}const peg\$/gm) ?? []).length !== 2 || !tables.includes('\n    const peg$bytecode = [\n')) {
    throw new Error('unexpected table block');
  }
  pos = expectAt(original, tablesEnd, stateInit, 'parser state');

  const funcsStart = indexOnce(original, '    function text() {\n', pos, 'text()');
  const startRuleCheck = original.slice(pos, funcsStart);
  if (!startRuleCheck.startsWith('    if (options.startRule !== undefined) {\n') || !startRuleCheck.endsWith('    }\n')) {
    throw new Error('unexpected start-rule check');
  }
  const dataInit = '    options.data = {}; // Object to which header attributes will be assigned during parsing\n';
  const funcsEnd = indexOnce(original, dataInit, funcsStart, 'options.data init');
  const funcs = original.slice(funcsStart, funcsEnd); // text() ... peg$parseRule()
  pos = funcsEnd + dataInit.length;
  const list = '    function list(head, tail) {\n        return [head].concat(tail);\n    }\n';
  pos = expectAt(original, pos, list, 'list()');
  const footer = '}\nexport const parse = peg$parse;\n';
  if (!original.endsWith(footer)) throw new Error('unexpected end of file');
  const resultBlock = original.slice(pos, original.length - footer.length);
  if (!resultBlock.startsWith('    peg$result = peg$parseRule(peg$startRuleIndex);\n')) throw new Error('unexpected result block');

  // The pieces must cover the original exactly: nothing dropped, nothing duplicated.
  const rebuilt = prefix + head + startRuleIndices + '    let peg$startRuleIndex = 119;\n' + tables + stateInit +
    startRuleCheck + funcs + dataInit + list + resultBlock + footer;
  if (rebuilt !== original) throw new Error('internal error: pieces do not cover the file');

  const indent = (block) => block.replace(/^(?=.)/gm, '    ');
  return MARKER + '\n' + prefix +
    '// ---- Built once at module load (hotline-console patch; was inside peg$parse) ----\n' +
    'const peg$FAILED = {};\n' +
    startRuleIndices +
    '// Per-call parser state, set by peg$parse for each call and restored when it returns.\n' +
    PER_CALL.map((name) => `let ${name};`).join(' ') + '\n' +
    tables + funcs + list +
    'function peg$parse(input$, options$) {\n' +
    `    const saved = [${PER_CALL.join(', ')}];\n` +
    '    try {\n' +
    '        input = input$;\n' +
    '        options = options$ !== undefined ? options$ : {};\n' +
    '        peg$source = options.grammarSource;\n' +
    '        peg$startRuleIndex = 119;\n' +
    indent(stateInit.replace('const peg$posDetailsCache', 'peg$posDetailsCache').replace(/^ {4}let (?!peg\$result)/gm, '    ')) +
    indent(startRuleCheck) +
    indent(dataInit) +
    indent(resultBlock) +
    '    }\n' +
    '    finally {\n' +
    PER_CALL.map((name, i) => `        ${name} = saved[${i}];\n`).join('') +
    '    }\n' +
    footer;
}

function atomicWrite(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Makes sure grammar.orig.js is a byte-identical pristine copy; `source` is the original text. */
function ensureBackup(where, source) {
  if (existsSync(where.backup) && sha256(readFileSync(where.backup, 'utf8')) === ORIGINAL_SHA256) return false;
  atomicWrite(where.backup, source);
  return true;
}

function main(argv) {
  const say = (s) => console.log(`patch-sipjs: ${s}`);
  const refuse = (s) => {
    console.error(`patch-sipjs: REFUSED — ${s}\n` +
      '  The sip.js grammar patch (build/patch-sipjs.mjs) is pinned to sip.js ' + EXPECTED_VERSION +
      ' and the sha256 of its grammar file.\n' +
      '  Review the new grammar, then update the script (or remove it if upstream fixed the per-call tables).\n' +
      '  To install anyway without the patch: SIPJS_PATCH_SKIP=1 npm ci');
    return 1;
  };
  const mode = argv.includes('--restore') ? 'restore' : argv.includes('--check') ? 'check' : 'apply';
  if (mode === 'apply' && process.env.SIPJS_PATCH_SKIP) {
    say('SIPJS_PATCH_SKIP is set: sip.js grammar left as installed (parsing stays slow).');
    return 0;
  }
  const where = locateSipJs();
  if (!where) return refuse('sip.js is not installed (cannot resolve sip.js/package.json from the project root).');
  if (where.version !== EXPECTED_VERSION) return refuse(`installed sip.js is ${where.version}, expected ${EXPECTED_VERSION}.`);
  if (!existsSync(where.grammar)) return refuse(`${where.grammar} does not exist.`);
  const current = readFileSync(where.grammar, 'utf8');
  const hash = sha256(current);
  const rel = path.relative(process.cwd(), where.grammar);

  if (mode === 'check') {
    if (hash === PATCHED_SHA256) { say(`${rel} is patched.`); return 0; }
    say(hash === ORIGINAL_SHA256 ? `${rel} is NOT patched (pristine). Run: node build/patch-sipjs.mjs` : `${rel} is unknown (sha256 ${hash}).`);
    return 1;
  }

  if (mode === 'restore') {
    if (hash === ORIGINAL_SHA256) { say(`${rel} is already pristine.`); return 0; }
    if (hash !== PATCHED_SHA256) return refuse(`${rel} has unknown content (sha256 ${hash}); not touching it.`);
    if (!existsSync(where.backup)) return refuse(`no pristine copy at ${where.backup}; reinstall sip.js (npm ci).`);
    const backup = readFileSync(where.backup, 'utf8');
    if (sha256(backup) !== ORIGINAL_SHA256) return refuse(`${where.backup} is not the pristine file.`);
    copyFileSync(where.backup, `${where.grammar}.tmp-${process.pid}`);
    renameSync(`${where.grammar}.tmp-${process.pid}`, where.grammar);
    say(`restored the pristine grammar in ${rel}.`);
    return 0;
  }

  if (hash === PATCHED_SHA256) {
    say(`${rel} already patched; nothing to do.`);
    return 0;
  }
  let pristine = current;
  if (hash !== ORIGINAL_SHA256 && current.startsWith('/* hotline-console: patched by build/patch-sipjs.mjs') && existsSync(where.backup)) {
    // Patched by another revision of this script: start again from the verified pristine copy.
    const backup = readFileSync(where.backup, 'utf8');
    if (sha256(backup) === ORIGINAL_SHA256) {
      say(`${rel} was patched by another revision of this script; re-patching from grammar.orig.js.`);
      pristine = backup;
    }
  }
  if (sha256(pristine) !== ORIGINAL_SHA256) {
    const why = current.startsWith(MARKER) ? 'it carries the patch marker but not the expected patched hash (edited by hand, or a different patch version)'
      : `its sha256 is ${hash}, expected ${ORIGINAL_SHA256}`;
    return refuse(`${rel} is not the file this patch was written for: ${why}.`);
  }
  const patched = patchGrammarSource(pristine);
  const patchedHash = sha256(patched);
  if (patchedHash !== PATCHED_SHA256) return refuse(`internal: the patched output hash is ${patchedHash}, expected ${PATCHED_SHA256}.`);
  if (ensureBackup(where, pristine)) say(`pristine copy saved as ${path.relative(process.cwd(), where.backup)}`);
  atomicWrite(where.grammar, patched);
  say(`patched ${rel} (sip.js ${where.version}): grammar tables are now built once at load.`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    // Leave no temp file behind; the installed grammar was not touched (writes are rename-only).
    const where = locateSipJs();
    if (where) for (const f of [`${where.grammar}.tmp-${process.pid}`, `${where.backup}.tmp-${process.pid}`]) rmSync(f, { force: true });
    console.error(`patch-sipjs: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

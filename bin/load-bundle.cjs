'use strict';
// Loads a CommonJS bundle of dist/bundle/ with the V8 code cache the build left beside it, so that
// a run starts with the bytecode of the code every start runs instead of compiling it again.
// A cache of another build, another Node or other V8 flags is refused and the bundle is compiled
// as usual: the cache only ever saves time.
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

// The cache is valid for one exact source. V8 checks only the source's length (and its own version
// and flags), so the build stamps each bundle with an id, and the cache file begins with it.
const ID_BYTES = 32;

/** The path of `bundleFile`'s code cache. */
function cacheFileOf(bundleFile) {
  return bundleFile.replace(/\.cjs$/, '.v8cache');
}

function idOf(source) {
  const m = /^\/\/ mdpost-build ([0-9a-f]{32})\n/.exec(source);
  return m ? m[1] : null;
}

// The ES module packages left outside the bundles (vega, vega-lite) are imported from here, as
// from any module: in a script compiled from a code cache V8 has lost the host options Node's
// import() needs (it fails, ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and vm's option to give it
// Node's loader is experimental and warns. The build has the bundles call this instead.
const importModule = (specifier) => import(specifier);

function compile(bundleFile, source, cachedData) {
  // The wrapper of Node's own CommonJS loader (and the import above), so that the bundle runs as a
  // module would.
  return new vm.Script(`(function (exports, require, module, __filename, __dirname, __mdpostImport) {${source}\n})`, {
    filename: bundleFile,
    cachedData,
  });
}

function run(script, bundleFile) {
  const module = { exports: {}, filename: bundleFile, id: bundleFile, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile), importModule);
  module.loaded = true;
  return module.exports;
}

function readCache(bundleFile, id) {
  let bytes;
  try {
    bytes = readFileSync(cacheFileOf(bundleFile));
  } catch {
    return undefined;
  }
  if (id === null || bytes.length <= ID_BYTES || bytes.toString('latin1', 0, ID_BYTES) !== id) return undefined;
  return bytes.subarray(ID_BYTES);
}

/**
 * The exports of the bundle `bundleFile`, compiled with its code cache when the cache fits;
 * `cacheUsed` says whether it did.
 */
function loadBundle(bundleFile) {
  // The bundles are pure ASCII (scripts/bundle.mjs): latin1 gives the string UTF-8 would, undecoded.
  const source = readFileSync(bundleFile, 'latin1');
  const cachedData = readCache(bundleFile, idOf(source));
  const script = compile(bundleFile, source, cachedData);
  const exports = run(script, bundleFile);
  return { exports, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Build step: run `bundleFile`'s top level (and `warm`, given its exports, to compile what every
 * start runs after it), then write the code cache of everything compiled so far.
 */
async function writeCodeCache(bundleFile, warm) {
  const source = readFileSync(bundleFile, 'latin1');
  const id = idOf(source);
  if (id === null) throw new Error(`${bundleFile} has no build id`);
  const script = compile(bundleFile, source, undefined);
  const exports = run(script, bundleFile);
  if (warm) await warm(exports);
  const data = script.createCachedData();
  writeFileSync(cacheFileOf(bundleFile), Buffer.concat([Buffer.from(id, 'latin1'), data]));
  return data.length;
}

module.exports = { loadBundle, writeCodeCache };

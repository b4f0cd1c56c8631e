/**
 * `npm run bench [-- [--quick] NAME…]`: runs the benchmarks and prints Markdown tables with
 * mdpost and its peers measured in the same run. By default the one table of issue 16's
 * targets (bench/targets.ts, 5–8 minutes on the 2-core machine; --quick: three alternations,
 * one for the slow peers); name others to run
 * them (`npm run bench -- parse rdf msd workers xtc`). Inputs are generated in bench/data.
 */
import { benchParse } from './parse.js';
import { benchRdf } from './rdf.js';
import { benchWorkers } from './workers.js';
import { benchMsd } from './msd.js';
import { benchTargets } from './targets.js';
import { benchXtc } from './xtc.js';

const benches: Record<string, () => Promise<unknown>> = { targets: benchTargets, parse: benchParse, rdf: benchRdf, msd: benchMsd, workers: benchWorkers, xtc: benchXtc };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const name of wanted.length ? wanted : ['targets']) {
  const b = benches[name];
  if (!b) {
    console.error(`unknown benchmark ${name}; have ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await b();
}

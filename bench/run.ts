/**
 * `npm run bench [-- NAME…]`: runs the benchmarks (all by default) and prints Markdown tables
 * with mdpost and its peers measured in the same run. Inputs are generated in bench/data.
 */
import { benchParse } from './parse.js';
import { benchRdf } from './rdf.js';
import { benchWorkers } from './workers.js';
import { benchMsd } from './msd.js';
import { benchTargets } from './targets.js';
import { benchXtc } from './xtc.js';

const benches: Record<string, () => Promise<unknown>> = { targets: benchTargets, parse: benchParse, rdf: benchRdf, msd: benchMsd, workers: benchWorkers, xtc: benchXtc };
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const b = benches[name];
  if (!b) {
    console.error(`unknown benchmark ${name}; have ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await b();
}

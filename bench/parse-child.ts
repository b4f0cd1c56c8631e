/**
 * Reads one trajectory start to end in a fresh process and prints its time and peak memory,
 * so the parse benchmark measures each file without the others' garbage.
 */
import { TrajectoryReader } from '../src/io/reader.js';

const [path] = process.argv.slice(2);
const t0 = performance.now();
const reader = await TrajectoryReader.open(path);
let frames = 0;
let checksum = 0;
for await (const f of reader.frames()) {
  frames++;
  checksum += f.positions[0];
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ frames, seconds, checksum, maxrss_kb: process.resourceUsage().maxRSS }) + '\n');

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The mdpost CLI and the peer scripts, from the compiled bench (dist/bench). */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const MDPOST = join(root, 'bin/mdpost.js');
export const PEERS = join(root, 'bench/peers');

import { alignWasm, builtWasmModule } from '../../package-files.js';

/**
 * The WebAssembly build of the XTC bit-stream decoder (wasm/xtc-decoder.ts, compiled by
 * `npm run build` to dist/src/io/binary/xtc-decoder.wasm), loaded once per thread. It runs at
 * compiled speed from the first frame, where the JavaScript decoder in xtc.ts needs a few frames
 * of the file to be optimised; the two give the same numbers bit for bit, and the JavaScript one
 * stays the specification: a frame this decoder refuses is decoded again by it, which throws the
 * error with its message. Without the file (the sources run before a build) or with
 * MDPOST_XTC=js, there is none and the JavaScript decoder runs; MDPOST_XTC=wasm makes its absence
 * an error instead (for tests that must run it). The setting is read when a frame's decoder is
 * made (with the frame, by createXtcFrame).
 */

interface DecoderExports {
  heapBase(): number;
  PADDING: WebAssembly.Global;
  decode(
    block: number, nbytes: number, natoms: number, out: number, next: number,
    minX: number, minY: number, minZ: number, sx: number, sy: number, sz: number,
    bx: number, by: number, bz: number, bitsize: number, smallidx: number, scale: number,
  ): number;
}

const DECODER_FILE = 'dist/src/io/binary/xtc-decoder.wasm';
const PAGE = 65536;
/** The most memory a wasm32 instance can have. */
const MAX_PAGES = 65536;

let compiled: WebAssembly.Module | null | undefined;

/** Where the module's heap starts, and the zero bytes it wants after a block. */
interface Heap {
  base: number;
  padding: number;
}
let heap: Heap | undefined;

/** The compiled decoder module, or null when it is not built or cannot compile here. */
function decoderModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const built = builtWasmModule(DECODER_FILE);
  if (typeof built === 'string') {
    unavailable = built;
    return (compiled = null);
  }
  return (compiled = built);
}
let unavailable = '';

/** Whether a frame's decoder made now would be the WebAssembly one (MDPOST_XTC and the build). */
export function wasmXtcAvailable(): boolean {
  return process.env.MDPOST_XTC !== 'js' && decoderModule() !== null;
}

/** The header fields of a compressed block, as the JavaScript decoder derives them. */
export interface XtcBlockHeader {
  /** Smallest integer coordinate, x y z. */
  minX: number;
  minY: number;
  minZ: number;
  /** Range sizes max − min + 1 (< 2^32). */
  sx: number;
  sy: number;
  sz: number;
  /** Bits of the three separate fields (when a range exceeds 2^24), else 0. */
  bx: number;
  by: number;
  bz: number;
  /** Bits of the one mixed-radix number, or 0 for separate fields. */
  bitsize: number;
  /** The initial small-difference index. */
  smallidx: number;
}

/**
 * One frame's decoder: an instance whose memory is sized once, for `natoms` atoms, when it is
 * made, and never grown (growing a memory detaches its old buffer, which costs the thread its
 * optimised typed-array code), holding the block (and zero padding), the positions decoded, and a
 * copy of the wanted-atom table.
 */
export class WasmXtcDecoder {
  private readonly k: DecoderExports;
  private readonly bytes: Uint8Array;
  private readonly blockAt: number;
  private readonly padding: number;
  private readonly outAt: number;
  private readonly nextAt: number;
  /**
   * Where it decodes to: a view of the instance's memory (3·natoms f64), for the frame's
   * positions; decode copies from it only into other arrays.
   */
  readonly positions: Float64Array;
  /** The wanted-atom table last copied into memory (read once per table). */
  private nextCopied: Int32Array | null = null;

  private constructor(mod: WebAssembly.Module, private readonly natoms: number, maxBlockBytes: number, heap: Heap) {
    const { padding } = heap;
    const blockAt = alignWasm(heap.base);
    const outAt = alignWasm(blockAt + maxBlockBytes + padding);
    const nextAt = alignWasm(outAt + 24 * natoms);
    const end = nextAt + 4 * (natoms + 1);
    const pages = Math.ceil(end / PAGE);
    if (pages > MAX_PAGES) throw new RangeError('too many atoms for a 32-bit WebAssembly memory');
    const memory = new WebAssembly.Memory({ initial: pages });
    this.k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as DecoderExports;
    this.bytes = new Uint8Array(memory.buffer);
    this.blockAt = blockAt;
    this.padding = padding;
    this.outAt = outAt;
    this.nextAt = nextAt;
    this.positions = new Float64Array(memory.buffer, outAt, 3 * natoms);
  }

  /**
   * A decoder for frames of `natoms` atoms whose blocks have at most maxBlockBytes bytes, or null
   * when the WebAssembly build is not in use (MDPOST_XTC=js, not built) or the memory cannot be had.
   */
  static create(natoms: number, maxBlockBytes: number): WasmXtcDecoder | null {
    const setting = process.env.MDPOST_XTC;
    if (setting === 'js') return null;
    const mod = decoderModule();
    if (!mod) {
      if (setting === 'wasm') throw new Error(`MDPOST_XTC=wasm: ${unavailable}`);
      return null;
    }
    try {
      if (!heap) {
        // The smallest instance says where the heap starts and how much padding it wants.
        const probe = new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports as unknown as DecoderExports;
        heap = { base: probe.heapBase(), padding: probe.PADDING.value as number };
      }
      return new WasmXtcDecoder(mod, natoms, maxBlockBytes, heap);
    } catch (e) {
      if (setting === 'wasm') throw new Error(`MDPOST_XTC=wasm: no decoder for ${natoms} atoms: ${(e as Error).message}`);
      return null;
    }
  }

  /**
   * Decode the block bytes[blockStart, blockStart + nbytes) of a frame with header `h` into `out`
   * (Å: integer × scale), all atoms, or with `nextWanted` (xtcWantedAtoms) the wanted ones only,
   * the others left as they were (into `positions`, as the JavaScript decoder does, also the other
   * atoms of a wanted atom's step). `out` is best `positions` itself (no copy). False when the
   * decoder refuses the frame (`out` may then hold some of it): the caller then decodes it with
   * the JavaScript decoder, which says what is wrong.
   */
  decode(bytes: Uint8Array, blockStart: number, nbytes: number, h: XtcBlockHeader, scale: number, out: Float64Array, nextWanted: Int32Array | null): boolean {
    const natoms = this.natoms;
    const mem = this.bytes;
    if (nbytes > this.outAt - this.blockAt - this.padding || out.length !== 3 * natoms) return false;
    mem.set(bytes.subarray(blockStart, blockStart + nbytes), this.blockAt);
    mem.fill(0, this.blockAt + nbytes, this.blockAt + nbytes + this.padding);
    let next = 0;
    if (nextWanted) {
      if (nextWanted.length !== natoms + 1) return false;
      if (nextWanted !== this.nextCopied) {
        new Int32Array(mem.buffer, this.nextAt, natoms + 1).set(nextWanted);
        this.nextCopied = nextWanted;
      }
      next = this.nextAt;
    }
    let status: number;
    try {
      status = this.k.decode(
        this.blockAt, nbytes, natoms, this.outAt, next,
        h.minX, h.minY, h.minZ, h.sx, h.sy, h.sz, h.bx, h.by, h.bz, h.bitsize, h.smallidx, scale,
      );
    } catch {
      // A trap (which the per-step bounds rule out): the JavaScript decoder says what is wrong.
      return false;
    }
    if (status !== 0) return false;
    const decoded = this.positions;
    if (out === decoded) return true;
    if (!nextWanted) {
      out.set(decoded);
    } else {
      for (let i = nextWanted[0]; i < natoms; i = nextWanted[i + 1]) {
        const q = 3 * i;
        out[q] = decoded[q];
        out[q + 1] = decoded[q + 1];
        out[q + 2] = decoded[q + 2];
      }
    }
    return true;
  }
}

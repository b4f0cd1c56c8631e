import { atomicNumber, symbolOf } from '../model/elements.js';
import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import { atomKindsOf, atomsOfKinds, type AtomKinds } from '../model/topology.js';
import { aliasFormula, MOLECULE_ALIASES, normalizeFormula } from './formula.js';
import type { Molecules } from './molecules.js';

/**
 * The selection language, with the keywords of MDAnalysis and VMD where they mean the same:
 *   Na, element Na, element Na Cl   atoms of an element (or of a label or name the file uses, such as OW)
 *   name OW, name OW HW1, name H*   atom names (a topology file's, or an XYZ file's labels); * ? [..] are wildcards
 *   type 3, type 1 2 5, type 1:3    LAMMPS atom types
 *   resname SOL, resname F*         residue names (GRO, PDB)
 *   resid 12, resid 1:10, resid 1-10, resid 1 to 10
 *                                   residue numbers (GRO, PDB); for a LAMMPS file, its molecule ids (as MDAnalysis)
 *   mol 12, mol 1:10                molecule ids (LAMMPS mol), or mdpost's molecules numbered from 1
 *   index 0:15, index 7             0-based atom indices, ranges inclusive (as in MDAnalysis)
 *   FSI, TFSI, PF6, BF4, ClO4, DFOB, OTf, H2O, water, …, mol:F2NO4S2, molecule F2NO4S2, mol FSI
 *                                   whole molecules of that formula (Hill order or any order)
 *   all, and, or, not, ( )
 * A selection of molecules only (e.g. "FSI", "FSI or TFSI", "not H2O") stands for the molecules'
 * centres of mass where that makes sense (MSD); everywhere else it stands for their atoms.
 * Keywords are case-insensitive; names and residue names are compared as written.
 */
export type SelectionNode =
  | { op: 'all' }
  | { op: 'element'; name: string }
  | { op: 'type'; types: number[] }
  | { op: 'index'; from: number; to: number }
  | { op: 'molecule'; formula: string; label: string }
  | { op: 'name' | 'resname'; patterns: string[] }
  | { op: 'resid' | 'mol'; ranges: [number, number][] }
  | { op: 'not'; arg: SelectionNode }
  /** Any number of terms: a list of thousands (`index 1 or index 7 or …`) stays one flat node. */
  | { op: 'and' | 'or'; args: SelectionNode[] };

export interface Selection {
  text: string;
  /** Selected atoms, ascending. */
  atoms: Int32Array;
  /** 'molecules' when the expression names only molecules (move as centres of mass). */
  kind: 'atoms' | 'molecules';
  /** Selected molecules (indices into Molecules), for kind 'molecules'. */
  molecules: Int32Array | null;
}

const OPERATORS = new Set(['and', 'or', 'not']);
const TERM_KEYWORDS = ['all', 'element', 'name', 'type', 'resname', 'resid', 'mol', 'index', 'molecule'];
const KEYWORDS = new Set([...OPERATORS, ...TERM_KEYWORDS]);
const WHAT_THERE_IS = 'mdpost selects with element, name, type, resname, resid, mol, index, molecules by name or formula (FSI, H2O, mol:F2NO4S2), all, and, or, not';

/** Keywords of MDAnalysis and VMD that mean something mdpost has under another word. */
const SAY_INSTEAD: Record<string, string> = {
  resnum: 'resid (residue numbers as the file writes them)',
  residue: 'resid (residue numbers as the file writes them)',
  resids: 'resid',
  resnames: 'resname',
  atomname: 'name',
  names: 'name',
  types: 'type',
  atomtype: 'type',
  elements: 'element',
  bynum: 'index (0-based: bynum 1 is index 0)',
  serial: 'index (0-based: serial 1 is index 0)',
  id: 'index (0-based)',
  ids: 'index (0-based)',
  indices: 'index',
  molnum: 'mol (molecules numbered from 1)',
  molid: 'mol',
  molindex: 'mol (molecules numbered from 1)',
  fragment: 'mol (molecules numbered from 1)',
  moltype: 'a molecule by name or formula (FSI, mol:F2NO4S2) or resname',
  atom: 'name, or index',
};

/** Keywords of MDAnalysis and VMD that mdpost has nothing for, and why. */
const NOT_SUPPORTED: [RegExp, string][] = [
  [/^(segid|segname|segindex|segment|chain|chainid|chainids)$/, 'mdpost reads no segments or chains'],
  [/^(protein|backbone|nucleic|nucleicacid|sidechain|nucleicbackbone|nucleicbase|nucleicsugar|backbonetype|helix|sheet|coil|alpha|beta|occupancy|altloc|icode|tempfactor|record_type|hydrogen|heavy)$/, 'mdpost has no keywords for proteins or PDB fields; use name, resname, element'],
  [/^(around|within|sphzone|sphlayer|cyzone|cylayer|point|pbc|exwithin)$/, 'distance-based selections are not supported; the g(r) and shell analyses measure neighbours'],
  [/^(byres|byresidue|same|bonded|global|group|fullgroup|prop|mass|charge|x|y|z|smarts|aromaticity|updating)$/, 'mdpost has no such keyword'],
];

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/**
 * Why a word is no keyword, when it looks like one: null when it may be an element or a label.
 * Keywords are written in lower case (as MDAnalysis requires); names and labels rarely are.
 */
function notAKeyword(word: string, followedByValue: boolean): string | null {
  if (!/^[a-z_]+$/.test(word)) return null;
  const w = word;
  if (SAY_INSTEAD[w]) return `"${word}" is not a keyword here: did you mean ${SAY_INSTEAD[w]}? (${WHAT_THERE_IS})`;
  for (const [re, why] of NOT_SUPPORTED) if (re.test(w)) return `"${word}" is not supported: ${why} (${WHAT_THERE_IS})`;
  if (!followedByValue) return null;
  const near = TERM_KEYWORDS.filter((k) => editDistance(w, k) <= (k.length > 4 ? 2 : 1));
  return `unknown keyword "${word}"${near.length > 0 ? `: did you mean ${near.join(' or ')}?` : ''} (${WHAT_THERE_IS})`;
}

function tokenize(text: string): string[] {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  return tokens;
}

/** An fnmatch pattern (* ? [seq] [!seq], as MDAnalysis matches names) as a regular expression. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', k + 2);
      if (close < 0) re += '\\[';
      else {
        let body = pattern.slice(k + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        k = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function parseSelection(text: string): SelectionNode {
  const tokens = tokenize(text);
  let k = 0;
  const fail = (what: string): never => {
    throw new InputError(`selection ${JSON.stringify(text)}: ${what}`);
  };
  const peek = () => tokens[k];
  const lower = (t: string | undefined) => t?.toLowerCase();
  /** A token that can be a keyword's value: not a parenthesis, operator or keyword. */
  const isValue = (t: string | undefined) => t !== undefined && t !== '(' && t !== ')' && !KEYWORDS.has(t.toLowerCase());
  const values = (keyword: string, example: string): string[] => {
    const out: string[] = [];
    while (isValue(peek())) out.push(tokens[k++]);
    if (out.length === 0) fail(`"${keyword}" needs ${example}`);
    return out;
  };
  /** Numbers and inclusive ranges: 3, 1:10, 1-10, 1 to 10. */
  const ranges = (keyword: string, example: string): [number, number][] => {
    const out: [number, number][] = [];
    while (k < tokens.length) {
      const m = /^(\d+)(?:[:-](\d+))?$/.exec(tokens[k]);
      if (!m) break;
      k++;
      let from = Number(m[1]), to = m[2] !== undefined ? Number(m[2]) : from;
      if (m[2] === undefined && lower(peek()) === 'to' && /^\d+$/.test(tokens[k + 1] ?? '')) {
        to = Number(tokens[k + 1]);
        k += 2;
      }
      if (to < from) fail(`${keyword} range ${from}:${to} is empty`);
      out.push([from, to]);
    }
    if (out.length === 0) fail(`"${keyword}" needs ${example}${isValue(peek()) ? `, not ${JSON.stringify(peek())}` : ''}`);
    return out;
  };
  const orExpr = (): SelectionNode => {
    const args = [andExpr()];
    while (lower(peek()) === 'or') {
      k++;
      args.push(andExpr());
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const andExpr = (): SelectionNode => {
    const args = [notExpr()];
    while (lower(peek()) === 'and') {
      k++;
      args.push(notExpr());
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const notExpr = (): SelectionNode => {
    if (lower(peek()) === 'not') {
      k++;
      return { op: 'not', arg: notExpr() };
    }
    return primary();
  };
  const anyOf = (nodes: SelectionNode[]): SelectionNode => (nodes.length === 1 ? nodes[0] : { op: 'or', args: nodes });
  const primary = (): SelectionNode => {
    const t = tokens[k++];
    if (t === undefined) return fail('ends where a term was expected (an element, "name OW", "type N", "resname SOL", "index A:B", a molecule such as FSI, or "(")');
    if (t === '(') {
      const inner = orExpr();
      if (tokens[k++] !== ')') fail('a "(" is not closed');
      return inner;
    }
    if (t === ')') return fail('unexpected ")"');
    const lt = t.toLowerCase();
    if (lt === 'all') return { op: 'all' };
    if (lt === 'element') return anyOf(values('element', 'a name, e.g. "element Na"').map((name) => ({ op: 'element', name })));
    if (lt === 'name') return { op: 'name', patterns: values('name', 'atom names, e.g. "name OW" or "name H*"') };
    if (lt === 'resname') return { op: 'resname', patterns: values('resname', 'residue names, e.g. "resname SOL"') };
    if (lt === 'resid') return { op: 'resid', ranges: ranges('resid', 'residue numbers, e.g. "resid 12" or "resid 1:10"') };
    if (lt === 'type') {
      if (isValue(peek()) && !/^\d/.test(peek()!)) fail(`"type" needs LAMMPS type numbers, e.g. "type 3" or "type 1:2"; for atom names write "name ${peek()}"`);
      const types: number[] = [];
      for (const [a, b] of ranges('type', 'LAMMPS type numbers, e.g. "type 3" or "type 1:2"')) for (let x = a; x <= b; x++) types.push(x);
      return { op: 'type', types };
    }
    if (lt === 'index') {
      const r = peek();
      if (!r || !/^\d+(:\d+)?$/.test(r)) return fail('"index" needs 0-based indices, e.g. "index 7" or "index 0:15" (inclusive)');
      const nodes: SelectionNode[] = [];
      while (k < tokens.length && /^\d+(:\d+)?$/.test(tokens[k])) {
        const [from, to = from] = tokens[k].split(':').map(Number);
        if (to < from) fail(`index range ${tokens[k]} is empty`);
        k++;
        nodes.push({ op: 'index', from, to });
      }
      return anyOf(nodes);
    }
    if (lt === 'mol' && /^\d/.test(peek() ?? '')) return { op: 'mol', ranges: ranges('mol', 'molecule ids, e.g. "mol 12" or "mol 1:10"') };
    if (lt === 'molecule' || lt === 'mol' || lt.startsWith('mol:')) {
      const f = lt.startsWith('mol:') ? t.slice(4) : tokens[k++];
      const alias = f ? aliasFormula(f) : null;
      if (alias) return { op: 'molecule', formula: alias, label: f! };
      const formula = f ? normalizeFormula(f) : null;
      if (!formula) fail(`${JSON.stringify(f ?? '')} is not a chemical formula or molecule name (e.g. mol:F2NO4S2, FSI)`);
      return { op: 'molecule', formula: formula!, label: `mol:${formula}` };
    }
    if (lt === 'water') return { op: 'molecule', formula: 'H2O', label: t };
    const alias = aliasFormula(t);
    if (alias) return { op: 'molecule', formula: alias, label: t };
    if (KEYWORDS.has(lt)) fail(`"${t}" where a term was expected`);
    if (atomicNumber(t) === 0) {
      const why = notAKeyword(t, isValue(peek()));
      if (why) fail(why);
    }
    return { op: 'element', name: t };
  };
  const tree = orExpr();
  if (k < tokens.length) {
    const t = tokens[k];
    fail(`unexpected ${JSON.stringify(t)} after a complete selection${t === ')' ? '' : ' (join terms with "and" or "or")'}`);
  }
  return tree;
}

/** Whether every term of a selection (what its not, and, or join) passes `test`. */
function everyTerm(node: SelectionNode, test: (term: SelectionNode) => boolean): boolean {
  if (node.op === 'not') return everyTerm(node.arg, test);
  if (node.op === 'and' || node.op === 'or') return node.args.every((a) => everyTerm(a, test));
  return test(node);
}

function onlyMolecules(node: SelectionNode): boolean {
  return everyTerm(node, (t) => t.op === 'molecule');
}

function needsMolecules(node: SelectionNode, top: Topology | null = null): boolean {
  return !everyTerm(node, (t) => t.op !== 'molecule' && (t.op !== 'mol' || !!top?.molIds));
}

/** The operators a selection uses, to say what the file has when it matches nothing. */
function opsOf(node: SelectionNode, out = new Set<SelectionNode['op']>()): Set<SelectionNode['op']> {
  out.add(node.op);
  if (node.op === 'not') opsOf(node.arg, out);
  else if (node.op === 'and' || node.op === 'or') node.args.forEach((a) => opsOf(a, out));
  return out;
}

export interface SelectionContext {
  topology: Topology;
  /** Molecules, computed on first use (bond detection costs a neighbour search). */
  molecules: () => Molecules;
}

/** Does this selection need molecules (so the caller can compute them once)? */
export function selectionNeedsMolecules(text: string, top: Topology | null = null): boolean {
  return needsMolecules(parseSelection(text), top);
}

const NO_NAMES = 'give --topology with a GRO or PDB file (or a LAMMPS data file with type labels)';

/** What to say when a selection asks for something the file does not have. */
function missing(text: string, what: string, top: Topology, how: string): never {
  const has = top.types && !top.elements ? 'LAMMPS types ("type 3")' : top.elements ? 'elements' : null;
  throw new InputError(`selection ${JSON.stringify(text)}: the file has no ${what}${has ? ` (it has ${has})` : ''}; ${how}`);
}

function inRanges(v: number, ranges: [number, number][]): boolean {
  for (const [a, b] of ranges) if (v >= a && v <= b) return true;
  return false;
}

/**
 * Whether a selection depends only on what a topology's kinds tell (element, name, residue name),
 * and the topology has what each of its terms asks for (otherwise the general evaluation says
 * what is missing). A topology with kinds has names and elements, and residue names when its
 * kinds do: this is told without reading its per-atom arrays, which are made when first read.
 */
function byKind(node: SelectionNode, kinds: AtomKinds): boolean {
  return everyTerm(node, (t) => t.op === 'all' || t.op === 'element' || t.op === 'name' || (t.op === 'resname' && kinds.resnames !== null));
}

/** Which kinds a selection (for which byKind holds) takes: 1 for each kind of `kinds.order`. */
function kindsTaken(node: SelectionNode, kinds: AtomKinds): Uint8Array {
  const taken = new Uint8Array(kinds.names.length);
  const order = kinds.order;
  switch (node.op) {
    case 'all':
      for (const p of order) taken[p] = 1;
      break;
    case 'element': {
      // As the general evaluation: an element's symbol, or else a label or name (OW, MW).
      const z = atomicNumber(node.name);
      const want = z > 0 ? symbolOf(z) : node.name;
      for (const p of order) if (kinds.elements[p] === want || (z === 0 && kinds.names[p] === node.name)) taken[p] = 1;
      break;
    }
    case 'name':
    case 'resname': {
      const values = node.op === 'name' ? kinds.names : kinds.resnames!;
      const res = node.patterns.map(globRegExp);
      for (const p of order) if (res.some((re) => re.test(values[p]))) taken[p] = 1;
      break;
    }
    case 'not': {
      const a = kindsTaken(node.arg, kinds);
      for (const p of order) taken[p] = 1 - a[p];
      break;
    }
    case 'and':
    case 'or': {
      taken.set(kindsTaken(node.args[0], kinds));
      for (const arg of node.args.slice(1)) {
        const b = kindsTaken(arg, kinds);
        for (const p of order) taken[p] = node.op === 'and' ? taken[p] & b[p] : taken[p] | b[p];
      }
      break;
    }
    default:
      throw new Error(`kindsTaken: ${node.op} is not a term of kinds`);
  }
  return taken;
}

/** Evaluate a selection against a system; an empty result is an error listing what there is. */
export function select(text: string, ctx: SelectionContext): Selection {
  const tree = parseSelection(text);
  const top = ctx.topology;
  // Terms of elements and names, on a topology whose atoms come in kinds: once per kind, then one
  // scan of the atoms' kinds (an empty result is the general evaluation's, which says what there is).
  const kinds = atomKindsOf(top);
  if (kinds && byKind(tree, kinds)) {
    const atoms = atomsOfKinds(kinds, kindsTaken(tree, kinds));
    if (atoms.length > 0) return { text, atoms, kind: 'atoms', molecules: null };
  }
  return selectAtomByAtom(text, tree, ctx);
}

/**
 * select's general evaluation, atom by atom (a function of its own: a run whose selections are
 * answered by kind never compiles it).
 */
function selectAtomByAtom(text: string, tree: SelectionNode, ctx: SelectionContext): Selection {
  const n = ctx.topology.natoms;
  const top = ctx.topology;
  const evalNode = (node: SelectionNode): Uint8Array => {
    const mask = new Uint8Array(n);
    switch (node.op) {
      case 'all':
        mask.fill(1);
        break;
      case 'element': {
        if (!top.elements) {
          throw new InputError(
            top.types
              ? `selection ${JSON.stringify(text)}: the file has no element names (only LAMMPS types); select with "type N" or give --type-map, e.g. --type-map 1=Na,2=O, or --topology with the LAMMPS data file`
              : `selection ${JSON.stringify(text)}: the file has no element names; give --topology with a GRO, PDB or LAMMPS data file`,
          );
        }
        const z = atomicNumber(node.name);
        if (z > 0) {
          const want = symbolOf(z);
          for (let i = 0; i < n; i++) if (top.elements[i] === want) mask[i] = 1;
        } else {
          // A label that is no element (OW, MW): the atoms labelled or named so.
          const names = top.names;
          for (let i = 0; i < n; i++) if (top.elements[i] === node.name || (names && names[i] === node.name)) mask[i] = 1;
        }
        break;
      }
      case 'name':
      case 'resname': {
        const values = node.op === 'name' ? top.names : top.resnames;
        if (!values) {
          if (node.op === 'name') missing(text, 'atom names', top, NO_NAMES);
          missing(text, 'residue names', top, 'give --topology with a GRO or PDB file, or select molecules by name or formula (FSI, H2O, mol:F2NO4S2)');
        }
        const res = node.patterns.map(globRegExp);
        const memo = new Map<string, boolean>();
        for (let i = 0; i < n; i++) {
          const v = values![i];
          let hit = memo.get(v);
          if (hit === undefined) {
            hit = res.some((re) => re.test(v));
            memo.set(v, hit);
          }
          if (hit) mask[i] = 1;
        }
        break;
      }
      case 'resid': {
        // Without residues, a LAMMPS file's molecule ids are its residues (as MDAnalysis reads them).
        const ids = top.resids ?? top.molIds;
        if (!ids) missing(text, 'residue numbers', top, 'give --topology with a GRO, PDB or LAMMPS data file, or select molecules with "mol N"');
        for (let i = 0; i < n; i++) if (inRanges(ids![i], node.ranges)) mask[i] = 1;
        break;
      }
      case 'mol': {
        if (top.molIds) {
          for (let i = 0; i < n; i++) if (inRanges(top.molIds[i], node.ranges)) mask[i] = 1;
        } else {
          const mols = ctx.molecules();
          for (let i = 0; i < n; i++) if (inRanges(mols.ofAtom[i] + 1, node.ranges)) mask[i] = 1;
        }
        break;
      }
      case 'type': {
        if (!top.types) throw new InputError(`selection ${JSON.stringify(text)}: the file has no LAMMPS types; give --topology with the LAMMPS data file, or select by element or name`);
        const want = new Set(node.types);
        for (let i = 0; i < n; i++) if (want.has(top.types[i])) mask[i] = 1;
        break;
      }
      case 'index':
        if (node.to >= n) throw new InputError(`selection ${JSON.stringify(text)}: index ${node.to} is past the last atom (${n - 1})`);
        mask.fill(1, node.from, node.to + 1);
        break;
      case 'molecule': {
        const mols = ctx.molecules();
        for (let k = 0; k < mols.count; k++) {
          if (mols.formula[k] !== node.formula) continue;
          for (let p = mols.start[k]; p < mols.start[k + 1]; p++) mask[mols.atoms[p]] = 1;
        }
        break;
      }
      case 'not': {
        const a = evalNode(node.arg);
        for (let i = 0; i < n; i++) mask[i] = a[i] ? 0 : 1;
        break;
      }
      case 'and':
      case 'or': {
        if (node.op === 'or') {
          for (const arg of node.args) {
            // Index ranges, what a script's long lists are made of, are set in place.
            if (arg.op === 'index' && arg.to < n) mask.fill(1, arg.from, arg.to + 1);
            else {
              const b = evalNode(arg);
              for (let i = 0; i < n; i++) mask[i] |= b[i];
            }
          }
        } else {
          mask.set(evalNode(node.args[0]));
          for (const arg of node.args.slice(1)) {
            const b = evalNode(arg);
            for (let i = 0; i < n; i++) mask[i] &= b[i];
          }
        }
        break;
      }
    }
    return mask;
  };
  const mask = evalNode(tree);
  const atoms: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) atoms.push(i);
  if (atoms.length === 0) throw new InputError(`selection ${JSON.stringify(text)} matches nothing; ${describeContents(ctx, needsMolecules(tree), opsOf(tree))}`);
  const kind = onlyMolecules(tree) ? 'molecules' : 'atoms';
  let molecules: Int32Array | null = null;
  if (kind === 'molecules') {
    const mols = ctx.molecules();
    const chosen: number[] = [];
    for (let k = 0; k < mols.count; k++) if (mask[mols.atoms[mols.start[k]]]) chosen.push(k);
    molecules = Int32Array.from(chosen);
  }
  return { text, atoms: Int32Array.from(atoms), kind, molecules };
}

/** "OW (332), HW1 (332), …": values with their counts, in order of appearance or (byCount) most frequent first. */
function countList(values: Iterable<string | number>, max = 12, byCount = false): string {
  const counts = new Map<string | number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const entries = [...counts];
  if (byCount) entries.sort((a, b) => b[1] - a[1]);
  const list = entries.slice(0, max).map(([k, v]) => `${k} (${v})`);
  if (counts.size > max) list.push(`… ${counts.size - max} more`);
  return list.join(', ');
}

function span(values: ArrayLike<number>): string {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
}

/** "the file has Na (16), O (464), …; molecules: F2NO4S2 (FSI) ×16, H2O ×400" */
export function describeContents(ctx: SelectionContext, withMolecules: boolean, ops: Set<SelectionNode['op']> = new Set()): string {
  const top = ctx.topology;
  let text: string;
  if (top.elements) text = `the file has ${countList(top.elements, Infinity)}`;
  else if (top.types) text = `the file has ${countList(Array.from(top.types, (t) => `type ${t}`), Infinity)}`;
  else text = 'the file names no elements';
  if (ops.has('name') && top.names) text += `; names ${countList(top.names, 12, true)}`;
  if (ops.has('resname') && top.resnames) text += `; residues ${countList(top.resnames, 12, true)} (atoms)`;
  if (ops.has('resid') && (top.resids ?? top.molIds)) text += `; ${top.resids ? 'residue numbers' : 'molecule ids'} ${span((top.resids ?? top.molIds)!)}`;
  if (ops.has('mol') && top.molIds) text += `; molecule ids ${span(top.molIds)}`;
  if (withMolecules) {
    const mols = ctx.molecules();
    const byFormula = new Map<string, number>();
    for (const f of mols.formula) byFormula.set(f, (byFormula.get(f) ?? 0) + 1);
    const names = new Map(Object.entries(MOLECULE_ALIASES).map(([alias, v]) => [v.formula, alias]));
    const list = [...byFormula].sort((a, b) => b[1] - a[1]).map(([f, c]) => `${f}${names.has(f) && names.get(f) !== f ? ` (${names.get(f)})` : ''} ×${c}`);
    text += `; molecules (from ${mols.source}): ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', …' : ''}`;
    if (ops.has('mol') && !top.molIds) text += ` (numbered 1–${mols.count})`;
  }
  return text;
}

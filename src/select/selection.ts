import { atomicNumber, symbolOf } from '../model/elements.js';
import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import { aliasFormula, MOLECULE_ALIASES, normalizeFormula } from './formula.js';
import type { Molecules } from './molecules.js';

/**
 * The selection language:
 *   Na, element Na          atoms of an element (or of a label the file uses, such as OW)
 *   type 3, type 1 2 5      LAMMPS atom types
 *   index 0:15, index 7     0-based atom indices, ranges inclusive (as in MDAnalysis)
 *   FSI, TFSI, PF6, BF4, ClO4, DFOB, OTf, H2O, …, mol:F2NO4S2
 *                           whole molecules of that formula (Hill order or any order)
 *   all, and, or, not, ( )
 * A selection of molecules only (e.g. "FSI", "FSI or TFSI", "not H2O") stands for the molecules'
 * centres of mass where that makes sense (MSD); everywhere else it stands for their atoms.
 */
export type SelectionNode =
  | { op: 'all' }
  | { op: 'element'; name: string }
  | { op: 'type'; types: number[] }
  | { op: 'index'; from: number; to: number }
  | { op: 'molecule'; formula: string; label: string }
  | { op: 'not'; arg: SelectionNode }
  | { op: 'and' | 'or'; args: [SelectionNode, SelectionNode] };

export interface Selection {
  text: string;
  /** Selected atoms, ascending. */
  atoms: Int32Array;
  /** 'molecules' when the expression names only molecules (move as centres of mass). */
  kind: 'atoms' | 'molecules';
  /** Selected molecules (indices into Molecules), for kind 'molecules'. */
  molecules: Int32Array | null;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'all', 'element', 'type', 'index', 'molecule']);

function tokenize(text: string): string[] {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  return tokens;
}

export function parseSelection(text: string): SelectionNode {
  const tokens = tokenize(text);
  let k = 0;
  const fail = (what: string): never => {
    throw new InputError(`selection ${JSON.stringify(text)}: ${what}`);
  };
  const peek = () => tokens[k];
  const lower = (t: string | undefined) => t?.toLowerCase();
  const orExpr = (): SelectionNode => {
    let left = andExpr();
    while (lower(peek()) === 'or') {
      k++;
      left = { op: 'or', args: [left, andExpr()] };
    }
    return left;
  };
  const andExpr = (): SelectionNode => {
    let left = notExpr();
    while (lower(peek()) === 'and') {
      k++;
      left = { op: 'and', args: [left, notExpr()] };
    }
    return left;
  };
  const notExpr = (): SelectionNode => {
    if (lower(peek()) === 'not') {
      k++;
      return { op: 'not', arg: notExpr() };
    }
    return primary();
  };
  const primary = (): SelectionNode => {
    const t = tokens[k++];
    if (t === undefined) return fail('ends where a term was expected (an element, "type N", "index A:B", a molecule such as FSI, or "(")');
    if (t === '(') {
      const inner = orExpr();
      if (tokens[k++] !== ')') fail('a "(" is not closed');
      return inner;
    }
    if (t === ')') return fail('unexpected ")"');
    const lt = t.toLowerCase();
    if (lt === 'all') return { op: 'all' };
    if (lt === 'element') {
      const name = tokens[k++];
      if (!name || KEYWORDS.has(name.toLowerCase()) || name === '(' || name === ')') fail('"element" needs a name, e.g. "element Na"');
      return { op: 'element', name: name! };
    }
    if (lt === 'type') {
      const types: number[] = [];
      while (k < tokens.length && /^\d+(:\d+)?$/.test(tokens[k])) {
        const [a, b] = tokens[k++].split(':').map(Number);
        for (let x = a; x <= (b ?? a); x++) types.push(x);
      }
      if (types.length === 0) fail('"type" needs LAMMPS type numbers, e.g. "type 3" or "type 1:2"');
      return { op: 'type', types };
    }
    if (lt === 'index') {
      const r = tokens[k++];
      const m = r ? /^(\d+)(?::(\d+))?$/.exec(r) : null;
      if (!m) return fail('"index" needs 0-based indices, e.g. "index 7" or "index 0:15" (inclusive)');
      const from = Number(m[1]), to = m[2] !== undefined ? Number(m[2]) : from;
      if (to < from) fail(`index range ${r} is empty`);
      return { op: 'index', from, to };
    }
    if (lt === 'molecule' || lt.startsWith('mol:')) {
      const f = lt === 'molecule' ? tokens[k++] : t.slice(4);
      const formula = f ? normalizeFormula(f) : null;
      if (!formula) fail(`${JSON.stringify(f ?? '')} is not a chemical formula (e.g. mol:F2NO4S2)`);
      return { op: 'molecule', formula: formula!, label: `mol:${formula}` };
    }
    const alias = aliasFormula(t);
    if (alias) return { op: 'molecule', formula: alias, label: t };
    if (KEYWORDS.has(lt)) fail(`"${t}" where a term was expected`);
    return { op: 'element', name: t };
  };
  const tree = orExpr();
  if (k < tokens.length) fail(`unexpected ${JSON.stringify(tokens[k])} after a complete selection`);
  return tree;
}

function onlyMolecules(node: SelectionNode): boolean {
  switch (node.op) {
    case 'molecule':
      return true;
    case 'not':
      return onlyMolecules(node.arg);
    case 'and':
    case 'or':
      return onlyMolecules(node.args[0]) && onlyMolecules(node.args[1]);
    default:
      return false;
  }
}

function needsMolecules(node: SelectionNode): boolean {
  switch (node.op) {
    case 'molecule':
      return true;
    case 'not':
      return needsMolecules(node.arg);
    case 'and':
    case 'or':
      return needsMolecules(node.args[0]) || needsMolecules(node.args[1]);
    default:
      return false;
  }
}

export interface SelectionContext {
  topology: Topology;
  /** Molecules, computed on first use (bond detection costs a neighbour search). */
  molecules: () => Molecules;
}

/** Does this selection need molecules (so the caller can compute them once)? */
export function selectionNeedsMolecules(text: string): boolean {
  return needsMolecules(parseSelection(text));
}

/** Evaluate a selection against a system; an empty result is an error listing what there is. */
export function select(text: string, ctx: SelectionContext): Selection {
  const tree = parseSelection(text);
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
            `selection ${JSON.stringify(text)}: the file has no element names (only LAMMPS types); select with "type N" or give --type-map, e.g. --type-map 1=Na,2=O`,
          );
        }
        const z = atomicNumber(node.name);
        const want = z > 0 ? symbolOf(z) : node.name;
        for (let i = 0; i < n; i++) if (top.elements[i] === want) mask[i] = 1;
        break;
      }
      case 'type': {
        if (!top.types) throw new InputError(`selection ${JSON.stringify(text)}: the file has no LAMMPS types`);
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
        const a = evalNode(node.args[0]);
        const b = evalNode(node.args[1]);
        for (let i = 0; i < n; i++) mask[i] = node.op === 'and' ? a[i] & b[i] : a[i] | b[i];
        break;
      }
    }
    return mask;
  };
  const mask = evalNode(tree);
  const atoms: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) atoms.push(i);
  if (atoms.length === 0) throw new InputError(`selection ${JSON.stringify(text)} matches nothing; ${describeContents(ctx, needsMolecules(tree))}`);
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

/** "the file has Na (16), O (464), …; molecules: F2NO4S2 (FSI) ×16, H2O ×400" */
export function describeContents(ctx: SelectionContext, withMolecules: boolean): string {
  const top = ctx.topology;
  const counts = new Map<string, number>();
  if (top.elements) for (const e of top.elements) counts.set(e, (counts.get(e) ?? 0) + 1);
  else if (top.types) for (const t of top.types) counts.set(`type ${t}`, (counts.get(`type ${t}`) ?? 0) + 1);
  let text = `the file has ${[...counts].map(([k, v]) => `${k} (${v})`).join(', ')}`;
  if (withMolecules) {
    const mols = ctx.molecules();
    const byFormula = new Map<string, number>();
    for (const f of mols.formula) byFormula.set(f, (byFormula.get(f) ?? 0) + 1);
    const names = new Map(Object.entries(MOLECULE_ALIASES).map(([alias, v]) => [v.formula, alias]));
    const list = [...byFormula].sort((a, b) => b[1] - a[1]).map(([f, c]) => `${f}${names.has(f) && names.get(f) !== f ? ` (${names.get(f)})` : ''} ×${c}`);
    text += `; molecules (from ${mols.source}): ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', …' : ''}`;
  }
  return text;
}

import { DEFAULT_SHELL_ATOMS, shellAtomsText } from '../analyses/solvation-partners.js';

/** How the analysis names --shell-atoms all. */
const ALL_SHELL_ATOMS = shellAtomsText({ mode: 'all' });

/**
 * The `solvation` section of an `mdpost analyze --json` document, as far as the viewer uses it:
 * per cation selection, the shell atoms and each partner kind's cutoff (with how it was found),
 * coordination and ion-pair fractions over the run. Read leniently — a document may come from
 * another mdpost version — keeping only entries whose fields have the contract's types:
 *
 *   "solvation": [{"cation": "Na", "shell_atoms": "…", "frames": …,
 *     "partners": {"H2O": {"cutoff_A", "cutoff_source", "cn", …}, "FSI": {…}},
 *     "ion_pairs": {"anion": "FSI", "SSIP", "CIP", "AGG", …}, …}]
 */
export interface AnalysisSolvation {
  cation: string;
  /**
   * The shell atoms as a selection the viewer can ask for ("all" for every atom of the partner
   * molecules); null when the document does not say, or when it used the analysis's default
   * (then `shellDefault`).
   */
  shellAtoms: string | null;
  /** The analysis's default shell atoms: the O, N, F of other molecules and free halide ions. */
  shellDefault: boolean;
  partners: Map<string, { cutoffA: number | null; source: string | null; cn: number | null }>;
  ionPairs: { anion: string | null; SSIP: number | null; CIP: number | null; AGG: number | null } | null;
}

export function analysisSolvation(doc: unknown): AnalysisSolvation[] {
  const list = isObject(doc) ? doc.solvation : undefined;
  if (!Array.isArray(list)) return [];
  const out: AnalysisSolvation[] = [];
  for (const e of list) {
    if (!isObject(e) || typeof e.cation !== 'string' || !isObject(e.partners)) continue;
    const partners = new Map<string, { cutoffA: number | null; source: string | null; cn: number | null }>();
    for (const [kind, p] of Object.entries(e.partners)) {
      if (!isObject(p)) continue;
      const cutoff = positive(p.cutoff_A);
      partners.set(kind, { cutoffA: cutoff, source: typeof p.cutoff_source === 'string' ? p.cutoff_source : null, cn: finite(p.cn) });
    }
    const ip = isObject(e.ion_pairs) ? e.ion_pairs : null;
    out.push({
      cation: e.cation,
      shellAtoms: typeof e.shell_atoms === 'string' && e.shell_atoms !== DEFAULT_SHELL_ATOMS ? (e.shell_atoms === ALL_SHELL_ATOMS ? 'all' : e.shell_atoms) : null,
      shellDefault: e.shell_atoms === DEFAULT_SHELL_ATOMS,
      partners,
      ionPairs: ip ? { anion: typeof ip.anion === 'string' ? ip.anion : null, SSIP: finite(ip.SSIP), CIP: finite(ip.CIP), AGG: finite(ip.AGG) } : null,
    });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function positive(v: unknown): number | null {
  const x = finite(v);
  return x !== null && x > 0 ? x : null;
}

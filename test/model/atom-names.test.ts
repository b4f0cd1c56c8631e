import { describe, expect, it } from 'vitest';
import { elementFromAtomName, elementsFromAtomNames, massFromAtomName, massOfElement } from '../../src/model/atom-names.js';
import { atomicMass } from '../../src/model/elements.js';
import { fixtureText } from '../topology/fixtures.js';

/** MDAnalysis 2.4.2's guess_atom_element on the same names (test/fixtures/topology/mdanalysis). */
const reference: { name_guesses: Record<string, string>; files: Record<string, { names?: string[]; guessed_elements?: string[] }> } = JSON.parse(
  fixtureText('mdanalysis/reference.json.gz'),
);
const symbol = (s: string) => (s.length > 1 ? s[0] + s.slice(1).toLowerCase() : s);

/**
 * Where mdpost deliberately answers otherwise than MDAnalysis, without residue context: a name
 * that names no element gets none instead of MDAnalysis's first-letter fallback, and QN (a
 * PROPKA-era alias MDAnalysis maps to Na) is not taken on faith.
 */
const DIFFERS_FROM_MDANALYSIS: Record<string, string | null> = {
  MW: null, // MDAnalysis: "DUMMY" — TIP4P's virtual site
  LP: null, // MDAnalysis: P — a lone pair, not phosphorus
  EP: null, // MDAnalysis: P — an extra point
  DUM: null, // MDAnalysis: D
  XX: null, // MDAnalysis: X
  Q: null, // MDAnalysis: Q
  QN: null, // MDAnalysis: Na
};

describe('elementFromAtomName without residue context', () => {
  it.each(Object.entries(reference.name_guesses))('%s → MDAnalysis says %s', (name, theirs) => {
    const mine = elementFromAtomName(name);
    if (name in DIFFERS_FROM_MDANALYSIS) expect(mine).toBe(DIFFERS_FROM_MDANALYSIS[name]);
    else expect(mine).toBe(symbol(theirs));
  });

  it('agrees with MDAnalysis on every atom name of the GROMACS and MDAnalysis fixtures', () => {
    let compared = 0;
    for (const f of Object.values(reference.files)) {
      if (!f.names) continue;
      f.names.forEach((n, i) => {
        expect(elementFromAtomName(n)).toBe(symbol(f.guessed_elements![i]));
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it.each([
    ['OW', 'O'], ['HW1', 'H'], ['HW2', 'H'], ['OT', 'O'], ['C1', 'C'], ['O1', 'O'], ['C12', 'C'],
    ['Na+', 'Na'], ['NA+', 'Na'], ['na', 'Na'], ['CL-', 'Cl'], ['Cl-', 'Cl'], ['cl', 'Cl'],
    ['SOD', 'Na'], ['CLA', 'Cl'], ['POT', 'K'], ['CAL', 'Ca'], ['CES', 'Cs'], ['LIT', 'Li'],
    ['LI', 'Li'], ['Li+', 'Li'], ['li', 'Li'], ['MG', 'Mg'], ['Mg2+', 'Mg'], ['ZN', 'Zn'], ['K', 'K'],
    ['1HB', 'H'], ["C1'", 'C'], ['C*', 'C'], ['Li_sv', 'Li'], ['O_w', 'O'],
    ['CA', 'C'], ['CB', 'C'], ['NE', 'N'], ['HG', 'H'], ['OS', 'O'], ['HO', 'H'],
  ])('%s → %s', (name, el) => {
    expect(elementFromAtomName(name)).toBe(el);
  });

  it('a two-letter symbol written in chemical case is that element: Ca, Hg, Ne, Os', () => {
    expect(elementFromAtomName('Ca')).toBe('Ca');
    expect(elementFromAtomName('Ca2+')).toBe('Ca');
    expect(elementFromAtomName('Hg')).toBe('Hg');
    expect(elementFromAtomName('Ne')).toBe('Ne');
    expect(elementFromAtomName('Os')).toBe('Os');
    expect(elementFromAtomName('CA')).toBe('C');
    expect(elementFromAtomName('ca')).toBe('C'); // GAFF's aromatic carbon
  });

  it('unknown names give null, never a guess: virtual sites, dummies, type names, nothing', () => {
    for (const name of ['MW', 'MW1', 'LP1', 'EP', 'VS1', 'DUM', 'XX', 'QN', 'DW', 'UNK', 'opls_135', 'type3', '', '  ', '123', '+', 'Q'])
      expect(elementFromAtomName(name), name).toBeNull();
  });
});

describe('the residue decides names that are both a symbol and an element letter plus one', () => {
  it('NA: sodium in an ion residue (NA, SOD, NA+, ION, a residue of one atom), nitrogen in a protein or a molecule', () => {
    for (const resname of ['NA', 'SOD', 'NA+', 'ION', 'IONS']) expect(elementFromAtomName('NA', { resname }), resname).toBe('Na');
    expect(elementFromAtomName('NA', { resname: 'XYZ', residueSize: 1 })).toBe('Na');
    expect(elementFromAtomName('NA', { resname: 'ALA' })).toBe('N');
    expect(elementFromAtomName('NA', { resname: 'HIS', residueSize: 17 })).toBe('N');
    expect(elementFromAtomName('NA', { resname: 'HEM', residueSize: 73 })).toBe('N');
    expect(elementFromAtomName('NA', { resname: 'LIG' })).toBe('Na'); // no size: as MDAnalysis
  });

  it('CA: calcium alone or in residue CA/CAL, the alpha carbon in a protein or by default', () => {
    expect(elementFromAtomName('CA', { resname: 'CA' })).toBe('Ca');
    expect(elementFromAtomName('CA', { resname: 'CAL' })).toBe('Ca');
    expect(elementFromAtomName('CA', { resname: 'ION', residueSize: 1 })).toBe('Ca');
    expect(elementFromAtomName('CA', { resname: 'ALA', residueSize: 10 })).toBe('C');
    expect(elementFromAtomName('CA', { resname: 'LIG', residueSize: 12 })).toBe('C');
    expect(elementFromAtomName('CA')).toBe('C');
  });

  it('CL, BR stay halogens in molecules (dichloromethane, bromobenzene); Cl⁻ in residue CL or CLA', () => {
    expect(elementFromAtomName('CL1', { resname: 'DCM', residueSize: 5 })).toBe('Cl');
    expect(elementFromAtomName('CL', { resname: 'CL', residueSize: 1 })).toBe('Cl');
    expect(elementFromAtomName('CL', { resname: 'CLA' })).toBe('Cl');
    expect(elementFromAtomName('BR', { resname: 'BRB', residueSize: 12 })).toBe('Br');
    expect(elementFromAtomName('FE', { resname: 'HEM', residueSize: 73 })).toBe('Fe');
  });

  it('in a protein: HG, NE, CD, OS are H, N, C, O; SE is selenium; M… are GROMACS dummy masses', () => {
    expect(elementFromAtomName('HG', { resname: 'SER' })).toBe('H');
    expect(elementFromAtomName('NE', { resname: 'ARG' })).toBe('N');
    expect(elementFromAtomName('CD', { resname: 'GLU' })).toBe('C');
    expect(elementFromAtomName('SE', { resname: 'MSE' })).toBe('Se');
    expect(elementFromAtomName('MN1', { resname: 'ALA' })).toBeNull();
    expect(elementFromAtomName('MN', { resname: 'MN', residueSize: 1 })).toBe('Mn');
  });

  it('MG, ZN, LI (no element letter first) are the metals in any residue', () => {
    expect(elementFromAtomName('MG', { resname: 'CLA', residueSize: 137 })).toBe('Mg');
    expect(elementFromAtomName('ZN', { resname: 'ZN', residueSize: 1 })).toBe('Zn');
    expect(elementFromAtomName('LI', { resname: 'LIG', residueSize: 20 })).toBe('Li');
  });
});

describe('masses from names', () => {
  it('are the standard atomic weights of the elements, NaN when there is no element', () => {
    expect(massFromAtomName('OW')).toBe(atomicMass('O'));
    expect(massFromAtomName('NA', { resname: 'NA' })).toBeCloseTo(22.98976928, 8);
    expect(massFromAtomName('NA', { resname: 'ALA' })).toBeCloseTo(14.007, 6);
    expect(massFromAtomName('MW')).toBeNaN();
    expect(massOfElement(null)).toBeNaN();
    expect(massOfElement('Cl')).toBeCloseTo(35.45, 6);
  });
});

describe('elementsFromAtomNames', () => {
  it('uses each atom\'s residue name and size, and counts the names it could not resolve', () => {
    const names = ['OW', 'HW1', 'HW2', 'MW', 'NA', 'N', 'CA', 'NA', 'OW', 'HW1', 'HW2', 'MW'];
    const resnames = ['SOL', 'SOL', 'SOL', 'SOL', 'NA', 'ALA', 'ALA', 'LIG', 'SOL', 'SOL', 'SOL', 'SOL'];
    const sizes = [4, 4, 4, 4, 1, 2, 2, 3, 4, 4, 4, 4];
    const { elements, unknown } = elementsFromAtomNames(names, resnames, sizes);
    expect(elements).toEqual(['O', 'H', 'H', null, 'Na', 'N', 'C', 'N', 'O', 'H', 'H', null]);
    expect([...unknown]).toEqual([['MW', 2]]);
  });
});

import { describe, expect, it } from 'vitest';
import { ambiguousGuess, elementFromAtomName, type AtomNameContext } from '../../src/model/atom-names.js';

/**
 * Which guesses of an element from an atom name are in doubt (`ambiguousGuess`), and the rules
 * that settle a name outright. The doubtful cases are those where MDAnalysis 2.4.2's
 * guess_atom_element (no residue context) reads the name otherwise than mdpost does with its
 * residue, and the residue's name does not settle it: NA in a residue SALT of several atoms is
 * Na to MDAnalysis and N to mdpost; CA alone in residue DUM is C to MDAnalysis and Ca to mdpost;
 * MN is Mn to mdpost and N to MDAnalysis, and a GROMACS dummy mass in a topology.
 */

const several = (resname: string, residueSize = 4): AtomNameContext => ({ resname, residueSize });
const alone = (resname: string): AtomNameContext => ({ resname, residueSize: 1 });

describe('guesses in doubt', () => {
  it('NA and CS in a residue of several atoms that is no ion residue: N and C, maybe Na and Cs', () => {
    expect(ambiguousGuess('NA', several('SALT'))).toMatchObject({ element: 'N', other: 'Na' });
    expect(ambiguousGuess('CS', several('SALT'))).toMatchObject({ element: 'C', other: 'Cs' });
    // A whole system written as one residue (PDB writers without residues: UNK, MOL).
    expect(ambiguousGuess('NA', several('UNK', 4000))).toMatchObject({ element: 'N', other: 'Na' });
    expect(elementFromAtomName('NA', several('SALT'))).toBe('N');
  });

  it('a two-letter name alone in a residue not named for it: the metal, maybe the first letter', () => {
    expect(ambiguousGuess('CA', alone('DUM'))).toMatchObject({ element: 'Ca', other: 'C' });
    expect(ambiguousGuess('HG', alone('LIG'))).toMatchObject({ element: 'Hg', other: 'H' });
    expect(ambiguousGuess('NI', alone('X'))).toMatchObject({ element: 'Ni', other: 'N' });
    expect(ambiguousGuess('CD1', alone('LIG'))).toMatchObject({ element: 'Cd', other: 'C' });
  });

  it('MN taken as manganese outside a residue named for Mn ions: maybe a GROMACS dummy mass', () => {
    expect(ambiguousGuess('MN', alone('DUM'))).toMatchObject({ element: 'Mn', other: null });
    expect(ambiguousGuess('MN1', several('LIG'))).toMatchObject({ element: 'Mn', other: null });
    expect(ambiguousGuess('MN', alone('MN'))).toBeNull();
    expect(ambiguousGuess('MN', alone('MN2+'))).toBeNull();
    // In a protein residue a dummy mass has no element, so no element is in doubt.
    expect(ambiguousGuess('MN1', several('ALA'))).toBeNull();
  });

  it('say why the name was read so', () => {
    expect(ambiguousGuess('NA', several('SALT'))!.why).toMatch(/several atoms/);
    expect(ambiguousGuess('CA', alone('DUM'))!.why).toMatch(/alone in its residue.*reads as C/);
    expect(ambiguousGuess('MN', alone('DUM'))!.why).toMatch(/dummy masses/);
  });
});

describe('guesses not in doubt', () => {
  it('a residue named for the ion, or of ions, settles it', () => {
    for (const resname of ['NA', 'SOD', 'NA+', 'ION', 'IONS']) {
      expect(ambiguousGuess('NA', alone(resname)), resname).toBeNull();
      expect(ambiguousGuess('NA', several(resname)), resname).toBeNull();
    }
    expect(ambiguousGuess('CA', alone('CA'))).toBeNull();
    expect(ambiguousGuess('CA', alone('CAL'))).toBeNull();
    expect(ambiguousGuess('CL', alone('CL'))).toBeNull();
  });

  it('a name read alike with no residue: NA, CL alone; CL, BR, FE in molecules; CA, HG, OS in molecules', () => {
    expect(ambiguousGuess('NA', alone('XYZ'))).toBeNull(); // Na either way
    expect(ambiguousGuess('CL', alone('XYZ'))).toBeNull();
    expect(ambiguousGuess('CL', several('SALT'))).toBeNull(); // Cl either way
    expect(ambiguousGuess('CL1', several('DCM', 5))).toBeNull();
    expect(ambiguousGuess('BR', several('BRB', 12))).toBeNull();
    expect(ambiguousGuess('CA', several('LIG', 12))).toBeNull(); // C either way
    expect(ambiguousGuess('HG', several('LIG', 12))).toBeNull();
    expect(ambiguousGuess('OS', several('EC', 10))).toBeNull();
  });

  it('protein, nucleic-acid and haem residues: CA, NE, HG, SE; haem\'s pyrrole nitrogens NA–ND and its iron', () => {
    expect(ambiguousGuess('CA', several('ALA', 10))).toBeNull();
    expect(ambiguousGuess('NE', several('ARG', 24))).toBeNull();
    expect(ambiguousGuess('HG', several('SER', 11))).toBeNull();
    expect(ambiguousGuess('SE', several('MSE', 17))).toBeNull();
    expect(ambiguousGuess('NA', several('HEM', 73))).toBeNull();
    expect(ambiguousGuess('FE', several('HEM', 73))).toBeNull();
    expect(ambiguousGuess('CA', several('NALA', 12))).toBeNull();
  });

  it('names that say what they are: chemical case, a charge, CHARMM ion names, an index in a molecule', () => {
    expect(ambiguousGuess('Na', several('SALT'))).toBeNull();
    expect(ambiguousGuess('NA+', several('SALT'))).toBeNull();
    expect(ambiguousGuess('Ca', alone('DUM'))).toBeNull();
    expect(ambiguousGuess('SOD', several('SALT'))).toBeNull();
    expect(ambiguousGuess('CAL', alone('DUM'))).toBeNull();
    // CL&P's imidazolium ring nitrogens, MDAnalysis's sodium: an indexed name is a molecule's atom.
    expect(ambiguousGuess('NA1', several('EMI', 19))).toBeNull();
    expect(elementFromAtomName('NA1', several('EMI', 19))).toBe('N');
    // GAFF-style lower-case type names: na is an sp2 nitrogen.
    expect(ambiguousGuess('na', several('LIG', 12))).toBeNull();
  });

  it('no residue at all (XYZ labels, LAMMPS type labels): the name alone decides, nothing to warn of', () => {
    for (const name of ['NA', 'CA', 'CS', 'CL', 'HG', 'MG', 'OW']) expect(ambiguousGuess(name), name).toBeNull();
  });

  // Atom names of force fields and builders used for battery electrolytes, each molecule one
  // residue of several atoms, ions one residue of one atom.
  const systems: [string, string[]][] = [
    ['SOL', ['OW', 'HW1', 'HW2']], // SPC/E, TIP3P
    ['SOL', ['OW', 'HW1', 'HW2', 'MW']], // TIP4P
    ['SOL', ['OW', 'HW1', 'HW2', 'LP1', 'LP2']], // TIP5P
    ['HOH', ['O', 'H1', 'H2']],
    ['TF2', ['NBT', 'SBT', 'OBT', 'CBT', 'FBT']], // CL&P TFSI (names as types)
    ['TFS', ['N1', 'S1', 'S2', 'O1', 'O2', 'O3', 'O4', 'C1', 'C2', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6']],
    ['FSI', ['N', 'S1', 'S2', 'O1', 'O2', 'O3', 'O4', 'F1', 'F2']],
    ['FSI', ['NSF', 'SSF', 'OSF', 'FSF']],
    ['PEO', ['C', 'O', 'H', 'CT', 'OS', 'HC', 'CA', 'C1', 'O1', 'H11', 'H12']],
    ['EC', ['C1', 'C2', 'C3', 'O1', 'O2', 'O3', 'H1', 'H2', 'H3', 'H4', 'OS', 'C', 'CT', 'HC']],
    ['PC', ['C1', 'C2', 'C3', 'C4', 'O1', 'O2', 'O3', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6']],
    ['DME', ['CT', 'OS', 'HC', 'C1', 'O1']],
    ['EMI', ['NA1', 'CR', 'NA2', 'CW1', 'CW2', 'HAR', 'HA1', 'HA2', 'C1M', 'H1M1', 'C1E', 'C2E', 'HE1', 'HE2']], // CL&P emim
    ['PF6', ['P', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6']],
    ['BF4', ['B', 'F1', 'F2', 'F3', 'F4']],
    ['CLO', ['CL', 'O1', 'O2', 'O3', 'O4']], // perchlorate
  ];
  it.each(systems)('molecule %s: %j', (resname, names) => {
    for (const name of names) expect(ambiguousGuess(name, several(resname, names.length)), name).toBeNull();
  });

  it.each([
    ['NA', 'NA'], ['SOD', 'SOD'], ['CL', 'CL'], ['CLA', 'CLA'], ['LI', 'LI'], ['LI+', 'LI'], ['K', 'K'], ['POT', 'POT'],
    ['MG', 'MG'], ['CA', 'CA'], ['ZN', 'ZN'], ['NA+', 'Na+'], ['CL-', 'Cl-'], ['ION', 'NA'], ['ION', 'CL'],
  ])('ion residue %s, atom %s', (resname, name) => {
    expect(ambiguousGuess(name, alone(resname))).toBeNull();
  });
});

describe('rules that settle a name', () => {
  it('a name with a charge sign is the ion in any residue: a metal with +, a halogen with −', () => {
    expect(elementFromAtomName('NA+', several('SALT'))).toBe('Na');
    expect(elementFromAtomName('CA2+', several('LIG', 12))).toBe('Ca');
    expect(elementFromAtomName('CS+', several('SALT'))).toBe('Cs');
    expect(elementFromAtomName('CL-', several('SALT'))).toBe('Cl');
    // No cation of these: the sign does not make HO- holmium, nor NE+ neon.
    expect(elementFromAtomName('HO-', several('OH', 2))).toBe('H');
    expect(elementFromAtomName('NE+', several('ARG', 24))).toBe('N');
    // Nor past uranium: NO+ is no nobelium, PU+ no plutonium.
    expect(elementFromAtomName('NO+', several('NOX', 2))).toBe('N');
    expect(elementFromAtomName('PU+', several('LIG', 8))).toBe('P');
  });

  it('AMBER terminal residues (NALA, CLYS) are protein residues: MN1 a dummy mass, CA the alpha carbon', () => {
    expect(elementFromAtomName('MN1', several('NALA', 14))).toBeNull();
    expect(elementFromAtomName('MN2', several('NMET', 21))).toBeNull();
    expect(elementFromAtomName('CA', several('CLYS', 23))).toBe('C');
    expect(elementFromAtomName('HG', several('NSER', 13))).toBe('H');
    // …but a four-letter residue that is no amino acid's is not.
    expect(elementFromAtomName('MN1', several('NXYZ', 14))).toBe('Mn');
  });

  it('no element past lawrencium: MCB1 (a dummy mass) has none, SG alone is sulfur, not seaborgium', () => {
    expect(elementFromAtomName('MCB1', several('LIG', 12))).toBeNull(); // not moscovium
    expect(elementFromAtomName('MCD1', several('NXYZ', 12))).toBeNull();
    expect(elementFromAtomName('SG', alone('X'))).toBe('S');
    expect(elementFromAtomName('DS1', alone('X'))).toBeNull();
    expect(elementFromAtomName('Mc')).toBeNull();
    expect(ambiguousGuess('SG', alone('X'))).toBeNull();
    // The heaviest still read: lawrencium, and uranium in any case.
    expect(elementFromAtomName('Lr')).toBe('Lr');
    expect(elementFromAtomName('U', alone('U'))).toBe('U');
  });
});

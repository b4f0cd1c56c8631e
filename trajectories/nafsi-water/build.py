#!/usr/bin/python3
"""Deterministic builder for the NaFSI / SPC/E water LAMMPS data file.

Writes ``nafsi-water.data`` (LAMMPS ``atom_style full``, ``units real``):
14 Na+ ions, 14 FSI- anions (bis(fluorosulfonyl)imide, N(SO2F)2-) and
388 SPC/E water molecules (1304 atoms, 2.00 mol NaFSI per kg water) in a
cubic periodic box.  Molecules are put on a simple cubic grid with random
orientations; every candidate placement is checked for overlaps with the
atoms already placed (minimum-image distances), so the structure is free
of clashes before LAMMPS minimises it.

Only numpy is needed; the random generator has a fixed seed, so the file
is reproduced bit for bit by ``/usr/bin/python3 build.py``.

Atom types (in this order, see the Masses section):
  1 Na   sodium cation
  2 N    FSI nitrogen        (CL&P type NBT)
  3 S    FSI sulfur          (CL&P type SBT)
  4 O    FSI oxygen          (CL&P type OBT)
  5 F    FSI fluorine        (CL&P type FSI)
  6 Ow   water oxygen        (SPC/E)
  7 Hw   water hydrogen      (SPC/E)

Molecule IDs: FSI anions 1..14, Na+ ions 15..28, waters 29..416.
Atom IDs follow the same order (FSI atoms first, 9 per anion in the
order F S N O O S O O F, then Na, then water O H H).

Charges (the force-field parameters themselves live in in.nafsi-water):
  * FSI-: CL&P ionic-liquid force field, J. N. Canongia Lopes and
    A. A. H. Padua, J. Phys. Chem. B 108 (2004) 16893 (NTf2 / sulfonyl
    imide terms NBT, SBT, OBT) and the bis(fluorosulfonyl)amide F type
    (K. Shimizu, A. A. Freitas, A. A. H. Padua, J. N. Canongia Lopes et
    al.; tabulated in the CL&P database il.ff, version 2017/12/06):
    N -0.66, S +1.02, O -0.53, F -0.13 -> sum = -1.00 exactly.
  * Na+: +1 (J. Aqvist, J. Phys. Chem. 94 (1990) 8021, as tabulated in
    the CL&P il.ff database).
  * SPC/E water: O -0.8476, H +0.4238 (H. J. C. Berendsen, J. R. Grigera,
    T. P. Straatsma, J. Phys. Chem. 91 (1987) 6269).
Initial FSI geometry: internal coordinates = CL&P equilibrium bond
lengths / angles (S-F 1.575, S-N 1.570, S-O 1.437 A; F-S-N 103.0,
F-S-O 104.1, N-S-O 113.6, S-N-S 125.6 deg), dihedral layout from the
CL&P fsi.zmat template (F-S-N-S about 90 deg, C2-like conformer).
"""

import numpy as np

SEED = 20240607
N_PAIRS = 14                  # NaFSI ion pairs
N_WATER = 388                 # 388 / 14 = 27.7 H2O per pair -> 2.00 mol/kg
INIT_DENSITY = 1.15           # g/cm^3, initial packing (NPT relaxes it)
GRID_N = 9                    # 9 x 9 x 9 candidate sites
OUT = "nafsi-water.data"

# masses (g/mol): CL&P il.ff / standard atomic weights
MASS = {1: 22.990, 2: 14.007, 3: 32.066, 4: 15.999, 5: 18.998,
        6: 15.9994, 7: 1.008}
ELEM = {1: "Na", 2: "N", 3: "S", 4: "O", 5: "F", 6: "O", 7: "H"}
TYPE_LABEL = {1: "Na  (Na+, Aqvist 1990)",
              2: "N   (FSI- nitrogen, CL&P NBT)",
              3: "S   (FSI- sulfur, CL&P SBT)",
              4: "O   (FSI- oxygen, CL&P OBT)",
              5: "F   (FSI- fluorine, CL&P FSI)",
              6: "O   (water oxygen Ow, SPC/E)",
              7: "H   (water hydrogen Hw, SPC/E)"}
CHARGE = {1: 1.0, 2: -0.66, 3: 1.02, 4: -0.53, 5: -0.13,
          6: -0.8476, 7: 0.4238}

AVOGADRO = 6.02214076e23


def zmat_to_xyz(zmat):
    """Convert a z-matrix [(ref_b, r, ref_a, theta, ref_d, phi), ...] to xyz.

    Indices are 0-based; angles in degrees.  Standard NeRF construction.
    """
    xyz = np.zeros((len(zmat), 3))
    for i, row in enumerate(zmat):
        if i == 0:
            continue
        b, r = row[0], row[1]
        if i == 1:
            xyz[i] = xyz[b] + np.array([0.0, 0.0, r])
            continue
        a, th = row[2], np.radians(row[3])
        if i == 2:
            # place in xz plane
            v = xyz[a] - xyz[b]
            v /= np.linalg.norm(v)
            perp = np.array([1.0, 0.0, 0.0])
            perp -= perp.dot(v) * v
            perp /= np.linalg.norm(perp)
            xyz[i] = xyz[b] + r * (np.cos(th) * v + np.sin(th) * perp)
            continue
        d, ph = row[4], np.radians(row[5])
        bc = xyz[b] - xyz[a]
        bc /= np.linalg.norm(bc)
        ab = xyz[a] - xyz[d]
        n = np.cross(ab, bc)
        n /= np.linalg.norm(n)
        m = np.cross(n, bc)
        d2 = np.array([-r * np.cos(th),
                       r * np.sin(th) * np.cos(ph),
                       r * np.sin(th) * np.sin(ph)])
        xyz[i] = xyz[b] + d2[0] * bc + d2[1] * m + d2[2] * n
    return xyz


# FSI template: F1 S1 N O1 O2 S2 O3 O4 F2 (0-based indices below)
R_SF, R_SN, R_SO = 1.575, 1.570, 1.437
FSI_ZMAT = [
    (None, None, None, None, None, None),      # 0 F1
    (0, R_SF, None, None, None, None),         # 1 S1
    (1, R_SN, 0, 103.0, None, None),           # 2 N
    (1, R_SO, 0, 104.1, 2, 120.0),             # 3 O1
    (1, R_SO, 0, 104.1, 2, -120.0),            # 4 O2
    (2, R_SN, 1, 125.6, 0, 90.0),              # 5 S2
    (5, R_SO, 2, 113.6, 1, -30.0),             # 6 O3
    (5, R_SO, 2, 113.6, 1, -150.0),            # 7 O4
    (5, R_SF, 2, 103.0, 1, 90.0),              # 8 F2
]
FSI_TYPES = [5, 3, 2, 4, 4, 3, 4, 4, 5]
# bonds (0-based within molecule) and bond types
# bond types: 1 S-N, 2 S-O, 3 S-F, 4 Ow-Hw
FSI_BONDS = [(0, 1, 3), (1, 2, 1), (1, 3, 2), (1, 4, 2),
             (2, 5, 1), (5, 6, 2), (5, 7, 2), (5, 8, 3)]
# angle types: 1 O-S-O, 2 N-S-O, 3 S-N-S, 4 F-S-O, 5 F-S-N, 6 Hw-Ow-Hw
FSI_ANGLES = [
    (0, 1, 2, 5), (0, 1, 3, 4), (0, 1, 4, 4),
    (2, 1, 3, 2), (2, 1, 4, 2), (3, 1, 4, 1),
    (8, 5, 2, 5), (8, 5, 6, 4), (8, 5, 7, 4),
    (2, 5, 6, 2), (2, 5, 7, 2), (6, 5, 7, 1),
    (1, 2, 5, 3),
]
# dihedral types: 1 O-S-N-S, 2 F-S-N-S
FSI_DIHEDRALS = [
    (0, 1, 2, 5, 2), (3, 1, 2, 5, 1), (4, 1, 2, 5, 1),
    (1, 2, 5, 8, 2), (1, 2, 5, 6, 1), (1, 2, 5, 7, 1),
]

# SPC/E water: O-H 1.0 A, H-O-H 109.47 deg
_th = np.radians(109.47 / 2.0)
WATER_XYZ = np.array([[0.0, 0.0, 0.0],
                      [np.sin(_th), 0.0, np.cos(_th)],
                      [-np.sin(_th), 0.0, np.cos(_th)]])
WATER_TYPES = [6, 7, 7]


def centred(xyz, types):
    m = np.array([MASS[t] for t in types])
    return xyz - (m[:, None] * xyz).sum(0) / m.sum()


def random_rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


class Box:
    def __init__(self, L):
        self.L = L
        self.pos = np.zeros((0, 3))
        self.heavy = np.zeros(0, dtype=bool)

    def min_dist(self, xyz, heavy):
        """Minimum-image distances: return True if placement is clash-free."""
        if len(self.pos) == 0:
            return True
        d = xyz[:, None, :] - self.pos[None, :, :]
        d -= self.L * np.round(d / self.L)
        r = np.sqrt((d * d).sum(-1))
        both_heavy = heavy[:, None] & self.heavy[None, :]
        limit = np.where(both_heavy, 2.6, 1.8)
        return bool((r >= limit).all())

    def add(self, xyz, heavy):
        self.pos = np.vstack([self.pos, xyz])
        self.heavy = np.concatenate([self.heavy, heavy])


def main():
    rng = np.random.default_rng(SEED)

    fsi = centred(zmat_to_xyz(FSI_ZMAT), FSI_TYPES)
    wat = centred(WATER_XYZ, WATER_TYPES)

    mass_total = N_PAIRS * (MASS[1] + sum(MASS[t] for t in FSI_TYPES)) + \
        N_WATER * sum(MASS[t] for t in WATER_TYPES)
    volume = mass_total / AVOGADRO / INIT_DENSITY * 1e24   # A^3
    L = volume ** (1.0 / 3.0)
    h = L / GRID_N
    grid = (np.stack(np.meshgrid(*[np.arange(GRID_N)] * 3, indexing="ij"),
                     -1).reshape(-1, 3) + 0.5) * h
    free = np.ones(len(grid), dtype=bool)
    box = Box(L)

    molecules = []          # (kind, types, xyz)

    def grid_clear(centre_idx):
        free[centre_idx] = False

    def occupy_near(xyz, radius):
        d = grid[:, None, :] - xyz[None, :, :]
        d -= L * np.round(d / L)
        near = (np.sqrt((d * d).sum(-1)) < radius).any(1)
        free[near] = False

    # 1) FSI anions on the even sub-lattice (spread through the box)
    even = np.where((np.stack(np.meshgrid(*[np.arange(GRID_N)] * 3,
                                          indexing="ij"), -1)
                     .reshape(-1, 3) % 3 == 1).all(1))[0]
    order = rng.permutation(even)
    placed = 0
    for gi in order:
        if placed == N_PAIRS:
            break
        for _ in range(200):
            xyz = grid[gi] + fsi @ random_rotation(rng).T
            heavy = np.ones(9, dtype=bool)
            if box.min_dist(xyz, heavy):
                box.add(xyz, heavy)
                molecules.append(("FSI", FSI_TYPES, xyz))
                occupy_near(xyz, 2.2)
                grid_clear(gi)
                placed += 1
                break
    if placed != N_PAIRS:
        raise SystemExit("could not place all FSI anions")

    # 2) Na+ and water on the remaining grid sites, random order
    kinds = ["Na"] * N_PAIRS + ["W"] * N_WATER
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    sites = [int(i) for i in rng.permutation(len(grid)) if free[i]]
    si = 0
    for kind in kinds:
        while True:
            if si >= len(sites):
                raise SystemExit("ran out of grid sites; lower INIT_DENSITY")
            gi = sites[si]
            si += 1
            ok = False
            for _ in range(50):
                if kind == "Na":
                    xyz = grid[gi][None, :].copy()
                    heavy = np.array([True])
                    types = [1]
                else:
                    xyz = grid[gi] + wat @ random_rotation(rng).T
                    heavy = np.array([True, False, False])
                    types = WATER_TYPES
                if box.min_dist(xyz, heavy):
                    ok = True
                    break
                if kind == "Na":
                    break
            if ok:
                box.add(xyz, heavy)
                molecules.append((kind, types, xyz))
                break

    # order molecules: FSI first, then Na, then water
    rank = {"FSI": 0, "Na": 1, "W": 2}
    molecules.sort(key=lambda m: rank[m[0]])

    atoms, bonds, angles, dihedrals = [], [], [], []
    aid = 0
    for mol_id, (kind, types, xyz) in enumerate(molecules, start=1):
        base = aid
        # wrap keeping each molecule whole through image flags
        img = np.floor(xyz / L).astype(int)
        wrapped = xyz - img * L
        for k, t in enumerate(types):
            aid += 1
            atoms.append((aid, mol_id, t, CHARGE[t], *wrapped[k], *img[k]))
        if kind == "FSI":
            for i, j, bt in FSI_BONDS:
                bonds.append((bt, base + i + 1, base + j + 1))
            for i, j, k, at in FSI_ANGLES:
                angles.append((at, base + i + 1, base + j + 1, base + k + 1))
            for i, j, k, l_, dt in FSI_DIHEDRALS:
                dihedrals.append((dt, base + i + 1, base + j + 1,
                                  base + k + 1, base + l_ + 1))
        elif kind == "W":
            bonds.append((4, base + 1, base + 2))
            bonds.append((4, base + 1, base + 3))
            angles.append((6, base + 2, base + 1, base + 3))

    qtot = sum(a[3] for a in atoms)
    assert abs(qtot) < 1e-9, qtot
    n_fsi = sum(1 for m in molecules if m[0] == "FSI")
    n_na = sum(1 for m in molecules if m[0] == "Na")
    n_w = sum(1 for m in molecules if m[0] == "W")
    assert (n_fsi, n_na, n_w) == (N_PAIRS, N_PAIRS, N_WATER)
    molal = N_PAIRS / (N_WATER * sum(MASS[t] for t in WATER_TYPES) * 1e-3)

    with open(OUT, "w") as f:
        f.write(f"LAMMPS data file: {N_PAIRS} NaFSI + {N_WATER} SPC/E water "
                f"({molal:.3f} mol/kg), initial density {INIT_DENSITY} g/cm3, "
                f"built by build.py seed {SEED}\n\n")
        f.write(f"{len(atoms)} atoms\n7 atom types\n")
        f.write(f"{len(bonds)} bonds\n4 bond types\n")
        f.write(f"{len(angles)} angles\n6 angle types\n")
        f.write(f"{len(dihedrals)} dihedrals\n2 dihedral types\n\n")
        for ax in "xyz":
            f.write(f"0.000000 {L:.6f} {ax}lo {ax}hi\n")
        f.write("\nMasses\n\n")
        for t in range(1, 8):
            f.write(f"{t} {MASS[t]:.4f}  # {TYPE_LABEL[t]}\n")
        f.write("\nAtoms  # full\n\n")
        for a in atoms:
            f.write(f"{a[0]} {a[1]} {a[2]} {a[3]:.4f} "
                    f"{a[4]:.6f} {a[5]:.6f} {a[6]:.6f} {a[7]} {a[8]} {a[9]}\n")
        f.write("\nBonds\n\n")
        for i, b in enumerate(bonds, start=1):
            f.write(f"{i} {b[0]} {b[1]} {b[2]}\n")
        f.write("\nAngles\n\n")
        for i, a in enumerate(angles, start=1):
            f.write(f"{i} {a[0]} {a[1]} {a[2]} {a[3]}\n")
        f.write("\nDihedrals\n\n")
        for i, d in enumerate(dihedrals, start=1):
            f.write(f"{i} {d[0]} {d[1]} {d[2]} {d[3]} {d[4]}\n")

    print(f"wrote {OUT}: {len(atoms)} atoms, {len(bonds)} bonds, "
          f"{len(angles)} angles, {len(dihedrals)} dihedrals, "
          f"L = {L:.4f} A, {molal:.3f} mol/kg, net charge {qtot:+.2e}")


if __name__ == "__main__":
    main()

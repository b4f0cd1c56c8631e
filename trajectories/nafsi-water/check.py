#!/usr/bin/python3
"""Physics / consistency checks of the NaFSI-water trajectory (numpy only).

    /usr/bin/python3 check.py

Reads nafsi-water.lammpstrj.gz, nafsi-water.xyz.gz, log.equil.lammps and
the LAMMPS reference files in ../../test/fixtures/peers/lammps/nafsi-water/
and prints: frame/atom counts, box, temperature, density, FSI bond
lengths over the whole trajectory, water geometry, Na-O g(r) peaks and
coordination numbers, MSD-derived diffusion coefficients, and
cross-checks of MSD and g(r) recomputed from the trajectory against the
LAMMPS numbers.
"""

import gzip
import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "..", "..", "test", "fixtures", "peers", "lammps",
                    "nafsi-water")
DT_FRAME_PS = 0.5


def read_lammpstrj(path):
    steps, times, boxes, frames = [], [], [], []
    cols = None
    with gzip.open(path, "rt") as f:
        while True:
            line = f.readline()
            if not line:
                break
            if line.startswith("ITEM: UNITS"):
                units = f.readline().strip()
                assert units == "real", units
            elif line.strip() == "ITEM: TIME":
                times.append(float(f.readline()))
            elif line.startswith("ITEM: TIMESTEP"):
                steps.append(int(f.readline()))
            elif line.startswith("ITEM: NUMBER OF ATOMS"):
                n = int(f.readline())
            elif line.startswith("ITEM: BOX BOUNDS"):
                boxes.append([[float(v) for v in f.readline().split()]
                              for _ in range(3)])
            elif line.startswith("ITEM: ATOMS"):
                cols = line.split()[2:]
                rows = [f.readline().split() for _ in range(n)]
                frames.append(rows)
    return steps, times, np.array(boxes), cols, frames


def main():
    steps, times, boxes, cols, frames = read_lammpstrj(
        os.path.join(HERE, "nafsi-water.lammpstrj.gz"))
    nf = len(frames)
    nat = len(frames[0])
    assert cols == ["id", "mol", "type", "element", "x", "y", "z",
                    "ix", "iy", "iz"], cols
    ids = np.array([int(r[0]) for r in frames[0]])
    mol = np.array([int(r[1]) for r in frames[0]])
    typ = np.array([int(r[2]) for r in frames[0]])
    elem = [r[3] for r in frames[0]]
    x = np.array([[[float(v) for v in r[4:7]] for r in fr] for fr in frames])
    img = np.array([[[int(v) for v in r[7:10]] for r in fr] for fr in frames])
    lo = boxes[:, :, 0]
    L = boxes[0, :, 1] - boxes[0, :, 0]
    assert np.allclose(boxes, boxes[0]), "box changes (should be NVT)"
    unwrapped = x + img * L
    print(f"frames {nf}, atoms {nat}, steps {steps[0]}..{steps[-1]} "
          f"every {steps[1] - steps[0]}, TIME {times[0]}..{times[-1]} fs")
    print(f"box L = {L[0]:.6f} A (cubic), lo = {lo[0, 0]:.6f}, "
          f"ids sorted {bool((ids == np.arange(1, nat + 1)).all())}")
    below = (lo[:, None, :] - x).max()
    above = (x - (lo[:, None, :] + L)).max()
    print(f"wrapped coordinates: largest excursion outside [lo, hi] = "
          f"{max(below, above, 0.0):.3f} A (LAMMPS wraps only when it "
          f"re-neighbours)")
    print("element counts", {e: elem.count(e) for e in sorted(set(elem))})

    # xyz dump agrees with the custom dump
    with gzip.open(os.path.join(HERE, "nafsi-water.xyz.gz"), "rt") as f:
        lines = f.read().splitlines()
    nxyz = len(lines) // (nat + 2)
    assert len(lines) == nxyz * (nat + 2)
    xyz_last = np.array([[float(v) for v in l.split()[1:4]]
                         for l in lines[-nat:]])
    print(f"xyz frames {nxyz}, last-frame max |xyz - lammpstrj| = "
          f"{np.abs(xyz_last - x[-1]).max():.2e} A")

    # ---- thermodynamics from the production log -------------------------
    log = open(os.path.join(PEER, "log.lammps")).read()
    assert "Lost atoms" not in log and "ERROR" not in log
    blocks = re.findall(r"\n\s*Step\s+Time\s+Temp.*?\n(.*?)\nLoop time",
                        log, re.S)
    th = np.array([[float(v) for v in l.split()]
                   for l in blocks[-1].strip().splitlines()])
    print(f"production thermo: {len(th)} rows; T = {th[:, 2].mean():.2f} "
          f"+- {th[:, 2].std():.2f} K; P = {th[:, 3].mean():.0f} +- "
          f"{th[:, 3].std():.0f} atm; density = {th[:, 7].mean():.4f} g/cm3")
    warn = sorted(set(re.findall(r"WARNING: (.*)", log)))
    print("warnings in production log:", warn)
    elog = open(os.path.join(HERE, "log.equil.lammps")).read()
    m = re.search(r"NPT average volume = ([0-9.eE+-]+)", elog)
    eb = re.findall(r"\n\s*Step\s+Time\s+Temp.*?\n(.*?)\nLoop time",
                    elog, re.S)
    npt = np.array([[float(v) for v in l.split()]
                    for l in eb[2].strip().splitlines()])
    print(f"NPT (2nd stage, 100 ps): <V> = {float(m.group(1)):.1f} A^3, "
          f"<density> = {npt[1:, 7].mean():.4f} +- {npt[1:, 7].std():.4f} "
          f"g/cm3, <T> = {npt[1:, 2].mean():.1f} K")

    # ---- intramolecular geometry over the whole trajectory --------------
    fsi_mols = sorted(set(mol[typ == 2]))
    bonds = {"S-N": [], "S-O": [], "S-F": []}
    sns, dih = [], []
    for m_ in fsi_mols:
        a = np.where(mol == m_)[0]          # F S N O O S O O F
        t = typ[a]
        assert list(t) == [5, 3, 2, 4, 4, 3, 4, 4, 5], t
        p = unwrapped[:, a, :]
        d = lambda i, j: np.linalg.norm(p[:, i] - p[:, j], axis=-1)
        bonds["S-F"] += [d(0, 1), d(5, 8)]
        bonds["S-N"] += [d(1, 2), d(2, 5)]
        bonds["S-O"] += [d(1, 3), d(1, 4), d(5, 6), d(5, 7)]
        u, v = p[:, 1] - p[:, 2], p[:, 5] - p[:, 2]
        sns.append(np.degrees(np.arccos((u * v).sum(-1) /
                   np.linalg.norm(u, axis=-1) / np.linalg.norm(v, axis=-1))))
    ref = {"S-N": 1.570, "S-O": 1.437, "S-F": 1.575}
    for k, v in bonds.items():
        v = np.concatenate(v)
        print(f"FSI {k}: mean {v.mean():.4f} A (r0 {ref[k]}), std "
              f"{v.std():.4f}, min {v.min():.4f}, max {v.max():.4f}")
    sns = np.concatenate(sns)
    print(f"FSI S-N-S angle: mean {sns.mean():.1f} deg (theta0 125.6), "
          f"min {sns.min():.1f}, max {sns.max():.1f}")
    ow = np.where(typ == 6)[0]
    oh = np.concatenate([np.linalg.norm(unwrapped[:, ow + k] -
                                        unwrapped[:, ow], axis=-1).ravel()
                         for k in (1, 2)])
    hh = np.linalg.norm(unwrapped[:, ow + 1] - unwrapped[:, ow + 2], axis=-1)
    print(f"water O-H: {oh.min():.5f}..{oh.max():.5f} A, H-H "
          f"{hh.min():.4f}..{hh.max():.4f} A (SPC/E 1.0, 1.6330)")
    # molecules whole in unwrapped coordinates
    span = max(np.ptp(unwrapped[:, mol == m_, :], axis=1).max()
               for m_ in fsi_mols)
    print(f"largest FSI extent along an axis (unwrapped): {span:.2f} A")

    # ---- g(r): LAMMPS reference, averaged over frames --------------------
    rows = [l.split() for l in open(os.path.join(PEER, "rdf.txt"))
            if not l.startswith("#")]
    blocks, i = [], 0
    while i < len(rows):
        n = int(rows[i][1])
        blocks.append(np.array(rows[i + 1:i + 1 + n], float))
        i += 1 + n
    rdf = np.array(blocks)
    print(f"rdf.txt: {rdf.shape[0]} frames x {rdf.shape[1]} bins")
    r = rdf[0, :, 1]
    g_avg = rdf[:, :, [2, 4]].mean(0)
    cn_avg = rdf[:, :, [3, 5]].mean(0)
    cn_tot = 0.0
    for k, name in enumerate(["Na-O(FSI)", "Na-Ow"]):
        g = g_avg[:, k]
        ip = int(np.argmax(g))
        # first minimum after the peak
        im = ip + int(np.argmin(g[ip:ip + int(1.6 / 0.04)]))
        cn = cn_avg[im, k]
        if name == "Na-Ow":
            rmin_w = r[im]
        cn_tot += cn
        # parabola through the peak bin and its neighbours
        c2, c1, _ = np.polyfit(r[ip - 1:ip + 2], g[ip - 1:ip + 2], 2)
        print(f"g {name}: first peak r = {r[ip]:.2f} A (bin centre; "
              f"parabolic {-c1 / (2 * c2):.3f} A), g = {g[ip]:.2f}; "
              f"first min r = {r[im]:.2f} A; coordination n(r_min) = {cn:.2f}")
    cn_w_at = cn_avg[np.searchsorted(r, rmin_w), :]
    print(f"Na-O total coordination (each at its own first minimum) = "
          f"{cn_tot:.2f}; at r = {rmin_w:.2f} A: O(FSI) {cn_w_at[0]:.2f} + "
          f"Ow {cn_w_at[1]:.2f} = {cn_w_at.sum():.2f}")

    # recompute Na-Ow g(r) from the trajectory (same binning) and compare
    na = np.where(typ == 1)[0]
    edges = np.linspace(0.0, 8.0, 201)
    hist = np.zeros(200)
    for f_ in range(nf):
        d = x[f_, na][:, None, :] - x[f_, ow][None, :, :]
        d -= L * np.round(d / L)
        hist += np.histogram(np.linalg.norm(d, axis=-1), edges)[0]
    shell = 4.0 / 3.0 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    g_me = hist / nf / len(na) / shell / (len(ow) / L.prod())
    print(f"Na-Ow g(r) recomputed from trajectory: max |diff| vs LAMMPS "
          f"average = {np.abs(g_me - g_avg[:, 1]).max():.2e}")

    # ---- MSD --------------------------------------------------------------
    def load(name):
        return np.array([l.split() for l in open(os.path.join(PEER, name))
                         if not l.startswith("#")], float)

    msd_na = load("msd-na.txt")
    msd_fsi = load("msd-fsi-com.txt")
    t_ps = msd_na[:, 0] * 1e-3
    assert (msd_na[:, 0] == np.array(steps)).all()
    my = ((unwrapped[:, na] - unwrapped[0, na]) ** 2).sum(-1).mean(1)
    print(f"Na MSD recomputed from trajectory vs msd-na.txt: max |diff| = "
          f"{np.abs(my - msd_na[:, 4]).max():.3e} A^2 "
          f"(final {msd_na[-1, 4]:.2f} A^2)")
    mass = np.array([22.990, 14.007, 32.066, 15.999, 18.998,
                     15.9994, 1.008])[typ - 1]
    com = np.array([(unwrapped[:, mol == m_] * mass[mol == m_, None]).sum(1)
                    / mass[mol == m_].sum() for m_ in fsi_mols])
    myf = ((com - com[:, :1]) ** 2).sum(-1).mean(0)
    print(f"FSI COM MSD recomputed vs msd-fsi-com.txt: max |diff| = "
          f"{np.abs(myf - msd_fsi[:, 4]).max():.3e} A^2 "
          f"(final {msd_fsi[-1, 4]:.2f} A^2)")
    for name, data in (("Na+", msd_na), ("FSI- COM", msd_fsi)):
        sel = (t_ps >= 50.0)
        slope, icpt = np.polyfit(t_ps[sel], data[sel, 4], 1)
        D = slope / 6.0 * 1e-4       # A^2/ps -> cm^2/s
        # log-log slope between 20 and 200 ps
        s2 = (t_ps >= 20.0)
        alpha = np.polyfit(np.log(t_ps[s2]), np.log(data[s2, 4]), 1)[0]
        print(f"{name}: linear fit 50-200 ps: slope {slope:.3f} A^2/ps, "
              f"D = {D:.2e} cm^2/s; log-log slope 20-200 ps = {alpha:.2f}")
        for tt in (10, 50, 100, 150, 200):
            j = int(round(tt / DT_FRAME_PS))
            print(f"    MSD({tt} ps) = {data[j, 4]:.2f} A^2")

    # time-origin-averaged MSD from the trajectory (all origins, lags up
    # to 100 ps), a less noisy estimate than the single-origin files
    for name, pos in (("Na+", unwrapped[:, na]),
                      ("FSI- COM", np.transpose(com, (1, 0, 2)))):
        lags = np.arange(1, 201)
        msd = np.array([((pos[k:] - pos[:-k]) ** 2).sum(-1).mean()
                        for k in lags])
        tl = lags * DT_FRAME_PS
        sel = tl >= 20.0
        slope = np.polyfit(tl[sel], msd[sel], 1)[0]
        print(f"{name}: multi-origin MSD, fit 20-100 ps lag: D = "
              f"{slope / 6.0 * 1e-4:.2e} cm^2/s (MSD(100 ps) = "
              f"{msd[-1]:.2f} A^2)")


if __name__ == "__main__":
    main()

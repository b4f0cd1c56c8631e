"""MDAnalysis doing what `mdpost analyze --msd A --rdf A,B` does (the peer in bench/workers):
EinsteinMSD of a selection (unwrapped by image flags) and InterRDF of a pair, end to end.

Usage: /usr/bin/python3 bench/peers/mda_msd_rdf.py FILE SEL_A SEL_B RMAX NBINS DT_PS
Prints one JSON line: {"frames": n, "seconds": t, "D_A2_per_ps": d, "peak_r": r}.
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import MDAnalysis as mda  # noqa: E402
from MDAnalysis.analysis.msd import EinsteinMSD  # noqa: E402
from MDAnalysis.analysis.rdf import InterRDF  # noqa: E402

path, sel_a, sel_b, rmax, nbins, dt = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
t0 = time.perf_counter()
u = mda.Universe(path, format="LAMMPSDUMP", unwrap_images=True)
msd = EinsteinMSD(u, select=sel_a, msd_type="xyz", fft=False)
msd.run()
lag = np.arange(msd.n_frames) * dt
lo, hi = msd.n_frames // 10, msd.n_frames // 2
slope = np.polyfit(lag[lo:hi], msd.results.timeseries[lo:hi], 1)[0]
rdf = InterRDF(u.select_atoms(sel_a), u.select_atoms(sel_b), nbins=nbins, range=(0.0, rmax))
rdf.run()
seconds = time.perf_counter() - t0
print(json.dumps({"frames": msd.n_frames, "seconds": seconds, "D_A2_per_ps": slope / 6, "peak_r": float(rdf.results.bins[rdf.results.rdf.argmax()])}))

"""Time MDAnalysis EinsteinMSD (the peer in bench/msd), end to end: reading + MSD + a fit.

Usage: /usr/bin/python3 bench/peers/mda_msd.py FILE SELECTION DT_PS
Debian has no tidynamics, so EinsteinMSD runs with fft=False (windowed, O(N^2) in frames).
Prints one JSON line: {"frames": n, "seconds": t, "D_A2_per_ps": d}.
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import MDAnalysis as mda  # noqa: E402
from MDAnalysis.analysis.msd import EinsteinMSD  # noqa: E402

path, sel, dt = sys.argv[1], sys.argv[2], float(sys.argv[3])
t0 = time.perf_counter()
u = mda.Universe(path, format="LAMMPSDUMP", unwrap_images=True)
msd = EinsteinMSD(u, select=sel, msd_type="xyz", fft=False)
msd.run()
lag = np.arange(msd.n_frames) * dt
lo, hi = msd.n_frames // 10, msd.n_frames // 2
slope = np.polyfit(lag[lo:hi], msd.results.timeseries[lo:hi], 1)[0]
print(json.dumps({"frames": msd.n_frames, "seconds": time.perf_counter() - t0, "D_A2_per_ps": slope / 6}))

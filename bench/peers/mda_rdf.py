"""Time MDAnalysis InterRDF on a LAMMPS dump (the peer in bench/rdf), end to end: reading + g(r).

Usage: /usr/bin/python3 bench/peers/mda_rdf.py FILE SEL_A SEL_B RMAX NBINS
Prints one JSON line: {"frames": n, "seconds": t, "setup_seconds": s, "peak_r": r}.
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import MDAnalysis as mda  # noqa: E402
from MDAnalysis.analysis.rdf import InterRDF  # noqa: E402

path, sel_a, sel_b, rmax, nbins = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
t0 = time.perf_counter()
u = mda.Universe(path, format="LAMMPSDUMP")
setup = time.perf_counter() - t0
rdf = InterRDF(u.select_atoms(sel_a), u.select_atoms(sel_b), nbins=nbins, range=(0.0, rmax))
rdf.run()
seconds = time.perf_counter() - t0
peak = float(rdf.results.bins[rdf.results.rdf.argmax()])
print(json.dumps({"frames": rdf.n_frames, "seconds": seconds, "setup_seconds": setup, "peak_r": peak}))

"""Time MDAnalysis reading every frame of a trajectory (the peer in bench/parse).

Usage: /usr/bin/python3 bench/peers/mda_parse.py FILE FORMAT   (FORMAT: LAMMPSDUMP or XYZ)
Prints one JSON line: {"frames": n, "seconds": t, "maxrss_kb": k}.
"""
import json
import resource
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import MDAnalysis as mda  # noqa: E402

path, fmt = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
u = mda.Universe(path, format=fmt)
n = 0
for ts in u.trajectory:
    n += 1
seconds = time.perf_counter() - t0
print(json.dumps({"frames": n, "seconds": seconds, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))

"""Time MDAnalysis reading every frame of a trajectory (the peer in bench/parse).

Usage: /usr/bin/python3 bench/peers/mda_parse.py FILE FORMAT   (FORMAT: LAMMPSDUMP or XYZ)
Prints one JSON line: {"frames": n, "seconds": t, "loop_seconds": l, "maxrss_kb": k}: t from before
the Universe is made, l the read loop alone.
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
t1 = time.perf_counter()
n = 0
for ts in u.trajectory:
    n += 1
t2 = time.perf_counter()
print(json.dumps({"frames": n, "seconds": t2 - t0, "loop_seconds": t2 - t1, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))

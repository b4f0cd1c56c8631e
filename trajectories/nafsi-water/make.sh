#!/bin/sh
# Rebuild the NaFSI / SPC/E water trajectory and the LAMMPS reference
# numbers from scratch (about 36 min on 2 cores).
#
#   sh trajectories/nafsi-water/make.sh
#
# Needs /usr/bin/python3 with numpy and LAMMPS as `lmp` (Debian package
# lammps, 29 Sep 2021 update 2, KSPACE + MOLECULE); uses `mpirun -np 2`
# when mpirun is present and there are at least 2 cores.
#
# The run happens in a scratch directory; only on success are the
# outputs moved into place:
#   trajectories/nafsi-water/            nafsi-water.data, nafsi-water.lammpstrj.gz,
#                                        nafsi-water.xyz.gz, log.equil.lammps
#   test/fixtures/peers/lammps/nafsi-water/
#                                        msd-na.txt, msd-fsi-com.txt,
#                                        msd-fsi-com-chunks.txt, rdf.txt, log.lammps
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PEER=$(cd "$HERE/../.." && pwd)/test/fixtures/peers/lammps/nafsi-water
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nafsi-water.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cp "$HERE/build.py" "$HERE/in.nafsi-water" "$HERE/system.nafsi-water" "$WORK/"
cd "$WORK"
mkdir peer

/usr/bin/python3 build.py

if command -v mpirun >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    if [ "$(id -u)" = 0 ]; then ROOT=--allow-run-as-root; else ROOT=; fi
    START=$(date +%s)
    mpirun $ROOT -np 2 lmp -in in.nafsi-water -var peer peer -screen none
else
    START=$(date +%s)
    lmp -in in.nafsi-water -var peer peer -screen none
fi
END=$(date +%s)
echo "LAMMPS wall time: $((END - START)) s"

# keep only the compressed trajectories (gzip -n: no name/time stamp)
gzip -9 -n nafsi-water.lammpstrj nafsi-water.xyz

# build data file: gzip only if it is over 1 MB
if [ "$(wc -c < nafsi-water.data)" -gt 1048576 ]; then
    gzip -9 -n nafsi-water.data
fi

mkdir -p "$PEER"
rm -f "$HERE/nafsi-water.lammpstrj" "$HERE/nafsi-water.xyz" \
      "$HERE/nafsi-water.data" "$HERE/nafsi-water.data.gz"
mv nafsi-water.lammpstrj.gz nafsi-water.xyz.gz log.equil.lammps "$HERE/"
mv nafsi-water.data* "$HERE/"
mv peer/msd-na.txt peer/msd-fsi-com.txt peer/msd-fsi-com-chunks.txt \
   peer/rdf.txt peer/log.lammps "$PEER/"

ls -l "$HERE" "$PEER"

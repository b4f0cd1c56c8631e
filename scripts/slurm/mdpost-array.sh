#!/usr/bin/env bash
#SBATCH --job-name=mdpost
#SBATCH --array=1-3
#SBATCH --cpus-per-task=2
#SBATCH --output=mdpost-%A_%a.log
#
# A batch of trajectories as a Slurm job array: task I of N runs the I-th shard of the job into
# OUT/shard-I; after the array, `mdpost merge OUT/shard-* --out OUT` joins them into the summary a
# single run gives. On a cluster:
#
#   jid=$(sbatch --parsable --array=1-3 scripts/slurm/mdpost-array.sh job.json results)
#   sbatch --dependency=afterany:$jid --wrap "mdpost merge results/shard-* --out results"
#
# Without Slurm the same script runs every shard in turn and then merges, for a local check:
#
#   SHARDS=3 bash scripts/slurm/mdpost-array.sh job.json results
#
# MDPOST names the command (default: mdpost on the PATH; e.g. MDPOST="node /opt/mdpost/bin/mdpost.js").
set -uo pipefail
JOB=${1:?usage: mdpost-array.sh JOB.json OUT}
OUT=${2:?usage: mdpost-array.sh JOB.json OUT}
MDPOST=${MDPOST:-mdpost}

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # One shard per array task. A shard in which some files fail still exits with 3 (their errors
  # are in its summary); merge with --dependency=afterany so the others' results are kept.
  # Shards count from 1 whatever the array's numbering (--array=0-2 as well as --array=1-3).
  I=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1))
  exec $MDPOST batch "$JOB" --shard "$I/${SLURM_ARRAY_TASK_COUNT}" \
    --out "$OUT/shard-$I" --workers "${SLURM_CPUS_PER_TASK:-1}"
fi

N=${SHARDS:-3}
status=0
for I in $(seq 1 "$N"); do
  $MDPOST batch "$JOB" --shard "$I/$N" --out "$OUT/shard-$I" || status=$?
done
$MDPOST merge "$OUT"/shard-* --out "$OUT" || status=$?
exit "$status"

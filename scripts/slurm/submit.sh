#!/bin/bash
# Runs a semslice study on a Slurm cluster: an array job with one shard per task, each writing OUT/shard-K, and a
# merge job that starts when every task has succeeded (--dependency=afterok) and writes OUT/merged/results.csv.
#
#   scripts/slurm/submit.sh --study fidelity --preset full --shards 4 --out runs/fid [-- SBATCH OPTIONS ...]
#   column -s, -t < runs/fid/merged/results.csv | less -S     # once squeue lists neither job
#
# Options:
#   --study NAME        the study (semslice study list)
#   --preset P          small or full (default small)
#   --shards N          number of shards = array tasks (default 2)
#   --out DIR           parent folder: DIR/shard-K per task, DIR/merged, DIR/logs (Slurm's output files)
#   --tasks LIST        the array tasks to submit (default 0-<N-1>); to rerun failed or cancelled shards give
#                       their ids, e.g. --tasks 1,3: they resume their folders and a new merge job follows them
#   --semslice CMD      how to run semslice on the nodes (split on spaces); default: `node BIN` when this script
#                       sits in a built semslice checkout (BIN = its bin/semslice.js), else `npx --no-install semslice`
#   -- SBATCH OPTIONS   passed to both sbatch calls (e.g. --partition=cpu --time=2:00:00 --cpus-per-task=4)
# Prints "array job: ID" and "merge job: ID". Job states: squeue; a cancelled or failed task cancels the merge job
# (--kill-on-invalid-dep=yes); rerun that task with --tasks.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }

study='' preset=small shards=2 out='' tasks='' cmd=''
while [ $# -gt 0 ]; do
  case $1 in
    --study) study=${2:?--study takes a name}; shift 2 ;;
    --preset) preset=${2:?--preset takes small or full}; shift 2 ;;
    --shards) shards=${2:?--shards takes a number}; shift 2 ;;
    --out) out=${2:?--out takes a folder}; shift 2 ;;
    --tasks) tasks=${2:?--tasks takes a list such as 1,3}; shift 2 ;;
    --semslice) cmd=${2:?--semslice takes a command}; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage 0 ;;
    *) echo "error: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$study" ] && [ -n "$out" ] || { echo "error: --study and --out are required" >&2; usage; }
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "error: --shards takes a positive integer, got \"$shards\"" >&2; exit 2; }
tasks=${tasks:-0-$((shards - 1))}
if [ -z "$cmd" ]; then
  repo=$(cd "$here/../.." && pwd)
  if [ -f "$repo/bin/semslice.js" ] && [ -f "$repo/dist/cli/main.js" ]; then cmd="node $repo/bin/semslice.js"; else cmd='npx --no-install semslice'; fi
fi
read -r -a semslice <<< "$cmd"

# Checks the study and preset here (exit 2 with semslice's message) before anything is queued, and shows the split.
"${semslice[@]}" study plan "$study" --preset "$preset" --shards "$shards"

mkdir -p "$out/logs"
array=$(sbatch --parsable --array="$tasks" --job-name="semslice-$study" --output="$out/logs/shard-%a-job-%A.out" "$@" \
  "$here/study-array.sbatch" "$study" "$preset" "$shards" "$out" "${semslice[@]}")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --job-name="semslice-$study-merge" \
  --output="$out/logs/merge-job-%j.out" "$@" "$here/study-merge.sbatch" "$shards" "$out" "${semslice[@]}")
merge=${merge%%;*}
echo "array job: $array (tasks $tasks of $shards shards, semslice: $cmd)"
echo "merge job: $merge (after every task succeeds)"
echo "when squeue lists neither: column -s, -t < $out/merged/results.csv"
rerun=$(printf '%q ' "$0" --study "$study" --preset "$preset" --shards "$shards" --out "$out" --semslice "$cmd" --tasks K ${1+--} "$@")
echo "logs: $out/logs/; a failed or cancelled task cancels the merge job; rerun task K (it resumes its folder) and merge: ${rerun% }"

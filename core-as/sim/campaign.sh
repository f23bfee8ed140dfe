#!/usr/bin/env bash
# The 10-million-round campaign of games.md: every bet of campaign.list ("name --game … --bet …
# [--stake n]" per line), two runs at a time, at nice 19. Results go to $OUT (default
# ./sim-results): NAME.json (the sim's JSON lines: one per bet the line follows), NAME.err, and
# one line per run in log.txt. A line whose NAME.json exists is skipped, so the campaign resumes
# where it stopped.
#   bash sim/campaign.sh [--rounds 10000000] [--seed 10] [--parallel 2]   (from core-as/)
# Benchmarks taken beside it are not clean even so: pause the runs (pkill -STOP -f sim/main.ts,
# then -CONT) while one measures.
set -euo pipefail
# nice alone does not yield when the campaign runs in its own session (setsid, nohup from another
# shell): the kernel's autogroups share the CPU between sessions whatever their members' nice.
# Lowering the session's group keeps a benchmark in another session from sharing cores half and half.
echo 19 > /proc/self/autogroup 2>/dev/null || true
cd "$(dirname "$0")/.."
ROUNDS=10000000 SEED=10 PARALLEL=2
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --parallel) PARALLEL=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export OUT=${OUT:-$PWD/sim-results} ROUNDS SEED
mkdir -p "$OUT"
run() {
  name=$1; shift
  [ -s "$OUT/$name.json" ] && return 0
  start=$(date +%s)
  nice -n 19 node --import tsx sim/main.ts "$@" --rounds "$ROUNDS" --seed "$SEED" > "$OUT/$name.out" 2> "$OUT/$name.err" || true
  grep '^{' "$OUT/$name.out" > "$OUT/$name.json" || true
  echo "$name $(( $(date +%s) - start )) s: $* --rounds $ROUNDS --seed $SEED $(tr '\n' ' ' < "$OUT/$name.json")" >> "$OUT/log.txt"
}
export -f run
grep -v '^#' sim/campaign.list | xargs -P "$PARALLEL" -L 1 bash -c 'run "$@"' _

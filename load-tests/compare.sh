#!/usr/bin/env bash
# Measures one change in one run: the same scenario through two builds (two git revisions, or one
# build under two configurations), one after the other, each on a fresh local stack with the same
# generator (this working tree's), and prints each run's figures and the ratio B/A of throughput and
# of CPU per 1,000 trades. --rounds N alternates A B A B … and compares the medians.
#
#   load-tests/compare.sh [--a REV] [--b REV] [--a-env NAME=VALUE]... [--b-env NAME=VALUE]...
#                         [--a-jvm "OPTIONS"] [--b-jvm "OPTIONS"] [--rounds N] [-- PERFORMANCE_TEST_ARGS...]
#
# REV is a git revision, built in a worktree under target/compare/<sha>/ (kept for the next
# comparison), or "." for this working tree as it is (uncommitted changes too). A defaults to HEAD,
# B to ".". The arguments after -- go to performance-test.sh for every run (default: --scenario drain).
#   load-tests/compare.sh --a HEAD~1 --b HEAD -- --scenario drain --keys 10000 --set zipf=0
#   load-tests/compare.sh --a . --b . --b-env KAFKA_MAX_POLL_RECORDS=5000 --rounds 2
# Report: load-tests/results/compare-<timestamp>/compare.txt (and each run's own report folder).
# Exits non-zero when any run failed its checks (lost, duplicated, reordered, …).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
A=HEAD
B=.
A_ENV=()
B_ENV=()
ROUNDS=1
PERF=()
while [ $# -gt 0 ]; do
  case "$1" in
    --a) A=$2; shift 2 ;;
    --b) B=$2; shift 2 ;;
    --a-env) A_ENV+=(--env "$2"); shift 2 ;;
    --b-env) B_ENV+=(--env "$2"); shift 2 ;;
    --a-jvm) A_ENV+=(--jvm "$2"); shift 2 ;;
    --b-jvm) B_ENV+=(--jvm "$2"); shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --) shift; PERF=("$@"); break ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[ ${#PERF[@]} -gt 0 ] || PERF=(--scenario drain)
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a positive number" >&2; exit 2; }
OUT=load-tests/results/compare-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

# The quarkus-app directory of a revision's build (printed on stdout; the build's output goes to stderr).
build() {
  local rev=$1
  if [ "$rev" = . ]; then
    ./mvnw -q -B package -DskipTests >&2
    echo "$ROOT/target/quarkus-app"
    return
  fi
  local sha dir
  sha=$(git rev-parse --short=12 "$rev^{commit}") || { echo "not a revision: $rev" >&2; return 1; }
  dir=$ROOT/target/compare/$sha
  if [ ! -f "$dir/target/quarkus-app/quarkus-run.jar" ]; then
    echo "[compare] building $rev ($sha) in $dir" >&2
    rm -rf "$dir"
    git worktree prune
    git worktree add --detach "$dir" "$sha" >&2
    (cd "$dir" && ./mvnw -q -B package -DskipTests) >&2
  fi
  echo "$dir/target/quarkus-app"
}

# A build of "." is copied into the report folder, so that nothing built into target/ meanwhile (B's
# build, or your own) replaces it while the runs go on.
APP_A=$(build "$A")
if [ "$A" = . ]; then
  cp -r "$APP_A" "$OUT/app-a"; APP_A=$ROOT/$OUT/app-a
fi
APP_B=$(build "$B")
if [ "$B" = . ]; then
  cp -r "$APP_B" "$OUT/app-b"; APP_B=$ROOT/$OUT/app-b
fi
./mvnw -q -B -f load-tests/pom.xml package
describe() { if [ "$1" = . ]; then git describe --always --dirty; else git rev-parse --short=12 "$1"; fi; }
{
  echo "A: $A ($(describe "$A")) ${A_ENV[*]:-}"
  echo "B: $B ($(describe "$B")) ${B_ENV[*]:-}"
  echo "performance-test.sh ${PERF[*]}"
} | tee "$OUT/builds.txt"

RUNS_A=()
RUNS_B=()
# One run; appends its summary.json (or "failed:<log>" when it left none) to the side's list.
run() {
  local side=$1 round=$2 app=$3; shift 3
  local log=$OUT/$side-$round.log
  echo "[compare] round $round, $side"
  set +e
  load-tests/performance-test.sh --app "$app" "$@" "${PERF[@]}" >"$log" 2>&1
  set -e
  tail -1 "$log"
  local report; report=$(sed -n 's/^report: //p' "$log" | tail -1)
  local summary=${report%/index.html}/summary.json
  [ -n "$report" ] && [ -f "$summary" ] || summary="failed:$log"
  if [ "$side" = A ]; then RUNS_A+=("$summary"); else RUNS_B+=("$summary"); fi
}
for round in $(seq 1 "$ROUNDS"); do
  run A "$round" "$APP_A" "${A_ENV[@]}"
  run B "$round" "$APP_B" "${B_ENV[@]}"
done
java -cp "load-tests/target/classes:load-tests/target/lib/*" com.pb.synth.loadtest.Compare \
  --a "$(IFS=,; echo "${RUNS_A[*]}")" --b "$(IFS=,; echo "${RUNS_B[*]}")" | tee "$OUT/compare.txt"
exit "${PIPESTATUS[0]}"

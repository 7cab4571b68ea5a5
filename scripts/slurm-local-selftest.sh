#!/usr/bin/env bash
# Checks the Slurm plumbing that `cinepipe batch --slurm` relies on, with no cinepipe in
# it: starts a throwaway cluster (scripts/slurm-local.sh), runs a job array whose tasks
# write files, dependent jobs (afterok, afterany, afterok on a failed array), checks what
# a task sees (environment, working directory), stops the cluster and checks that none of
# its processes remain. Prints the timings. Needs root and the Slurm/MUNGE packages.
#
#   scripts/slurm-local-selftest.sh [STATE_DIR]    # default: a fresh mktemp -d
# the job scripts are single-quoted on purpose: they expand in the job, not here
# shellcheck disable=SC2016
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sl=$here/slurm-local.sh
own_state=0
if [ $# -ge 1 ]; then
  state=$1
else
  state=$(mktemp -d /tmp/slurm-local.XXXXXX)
  own_state=1
fi
work=$(mktemp -d /tmp/slurm-selftest-work.XXXXXX)
chmod 755 "$work"
passed=0
failed=0
started=0

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
check() { # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
  fi
}
cleanup() {
  if [ $started -eq 1 ]; then "$sl" stop "$state" || true; fi
}
trap cleanup EXIT

# polls squeue until none of the given jobs is queued, running or completing
wait_jobs() {
  local deadline=$(($(date +%s) + $1)) ids
  shift
  ids=$(
    IFS=,
    echo "$*"
  )
  while [ -n "$(squeue -h -j "$ids" -o %A 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
job_state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
job_reason() { scontrol show job "$1" | sed -n 's/.* Reason=\([^ ]*\).*/\1/p' | head -n 1; }
env_of() { sed -n "s/^$2=//p" "$work/env.$1"; }

t=$(now)
"$sl" start "$state" >/dev/null
started=1
t_start=$(since "$t")
# shellcheck disable=SC1091
. "$state/env.sh"
cd "$work"
export CINEPIPE_SELFTEST=from-submitter

# 1. a 4-task array (one CPU each: 2 run at a time on 2 cores), then afterok and afterany
t=$(now)
arr=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --job-name=selftest-array --wrap \
  'env | sort > env.$SLURM_ARRAY_TASK_ID; pwd > cwd.$SLURM_ARRAY_TASK_ID; sleep 1; echo $SLURM_ARRAY_TASK_ID > out.$SLURM_ARRAY_TASK_ID')
ok=$(sbatch --parsable --dependency=afterok:"$arr" --job-name=selftest-merge --wrap \
  'cat out.0 out.1 out.2 out.3 > merged.txt')
any=$(sbatch --parsable --dependency=afterany:"$arr" --job-name=selftest-any --wrap \
  'ls out.* | wc -l > any.txt')
t_submit=$(since "$t")
check "array job finishes" wait_jobs 60 "$arr" "$ok" "$any"
t_finish=$(since "$t")
check "4 task outputs" test "$(cat out.* 2>/dev/null | sort | tr '\n' ' ')" = "0 1 2 3 "
check "afterok job ran after all tasks" test "$(tr '\n' ' ' <merged.txt 2>/dev/null)" = "0 1 2 3 "
check "afterany job ran after all tasks" test "$(tr -d ' \n' <any.txt 2>/dev/null)" = 4
check "default output files slurm-%A_%a.out in the submit dir" \
  test -f "slurm-${arr}_0.out" -a -f "slurm-${arr}_3.out" -a -f "slurm-$ok.out"
check "task env: SLURM_ARRAY_TASK_ID" test "$(env_of 2 SLURM_ARRAY_TASK_ID)" = 2
check "task env: SLURM_ARRAY_JOB_ID" test "$(env_of 2 SLURM_ARRAY_JOB_ID)" = "$arr"
check "task env: SLURM_ARRAY_TASK_COUNT" test "$(env_of 2 SLURM_ARRAY_TASK_COUNT)" = 4
check "task env: SLURM_CPUS_PER_TASK (with --cpus-per-task)" test "$(env_of 2 SLURM_CPUS_PER_TASK)" = 1
check "task env: SLURM_CONF" test "$(env_of 2 SLURM_CONF)" = "$SLURM_CONF"
check "task env: PATH is the submitter's" test "$(env_of 2 PATH)" = "$PATH"
check "task env: the submitter's variables (--export=ALL default)" test "$(env_of 2 CINEPIPE_SELFTEST)" = from-submitter
check "task env: SLURM_SUBMIT_DIR" test "$(env_of 2 SLURM_SUBMIT_DIR)" = "$work"
check "task cwd is the submit dir" test "$(cat cwd.2)" = "$work"

# 2. a failing task: afterok can never be satisfied; --kill-on-invalid-dep=yes cancels
#    the dependent job (without it, it would stay pending for ever), afterany still runs
t=$(now)
bad=$(sbatch --parsable --array=0-3 --wrap '[ "$SLURM_ARRAY_TASK_ID" -ne 2 ]')
never=$(sbatch --parsable --dependency=afterok:"$bad" --kill-on-invalid-dep=yes --wrap 'touch never.txt')
still=$(sbatch --parsable --dependency=afterany:"$bad" --wrap 'touch still.txt')
check "failing array finishes" wait_jobs 60 "$bad" "$never" "$still"
t_fail=$(since "$t")
check "one task FAILED, three COMPLETED" \
  test "$(scontrol show job "$bad" | grep -o 'JobState=[A-Z]*' | sort | uniq -c | tr '\n' ' ' | tr -s ' ')" \
  = " 3 JobState=COMPLETED 1 JobState=FAILED "
check "afterok job cancelled (DependencyNeverSatisfied)" \
  test "$(job_state "$never")/$(job_reason "$never")" = CANCELLED/DependencyNeverSatisfied
check "afterok job did not run" test ! -e never.txt
check "afterany job ran" test -e still.txt

# 3. sbatch --wait returns the job's exit code (for an array: the highest task's)
t=$(now)
set +e
sbatch --wait --quiet --array=0-1 --wrap '[ "$SLURM_ARRAY_TASK_ID" -ne 1 ] || exit 7'
rc=$?
set -e
t_wait=$(since "$t")
check "sbatch --wait on an array returns the highest exit code" test $rc = 7

# 4. stop: nothing of this cluster remains
pids="$(cat "$state/munge/munged.pid" "$state/run/slurmctld.pid" "$state/run/slurmd.pid")"
t=$(now)
"$sl" stop "$state" 2>/dev/null
started=0
t_stop=$(since "$t")
chain=" "
q=$$
while [ -n "$q" ] && [ "$q" -gt 1 ]; do
  chain+="$q "
  q=$(awk '/^PPid:/ {print $2}' "/proc/$q/status" 2>/dev/null || true)
done
left=""
# shellcheck disable=SC2013 # /proc paths have no spaces
for f in $(grep -l -a -z -F "$state/" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | sort -u); do
  p=${f%/*}
  case "$chain" in *" ${p#/proc/} "*) continue ;; esac
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "$p/status" 2>/dev/null) || continue
  [ "$st" = Z ] && continue # zombies of an init that reaps late hold nothing
  left+=" ${p#/proc/}($(cat "$p/comm" 2>/dev/null))"
done
daemons_gone() {
  local p
  for p in $pids; do
    [ -d "/proc/$p" ] || continue
    grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null || return 1
  done
}
check "munged, slurmctld, slurmd gone" daemons_gone
check "no process of the cluster left${left}" test -z "$left"
check "stop is safe twice" "$sl" stop "$state"

echo "timings: start ${t_start}s, submit 3 jobs ${t_submit}s, 4x1s array + 2 dependents finished ${t_finish}s after submit, failing array + dependents ${t_fail}s, sbatch --wait of a 2-task no-op array ${t_wait}s, stop ${t_stop}s"
rm -rf "$work"
# keep the logs of a failed run; a STATE_DIR of our own goes when all passed
[ $failed -ne 0 ] || [ $own_state -eq 0 ] || rm -rf "$state"
echo "slurm-local: $passed passed, $failed failed"
[ $failed -eq 0 ]

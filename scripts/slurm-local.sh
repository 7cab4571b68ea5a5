#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on this machine, for tests and for trying
# `cinepipe batch --slurm` without a real cluster (docs/slurm.md).
#
#   scripts/slurm-local.sh start  STATE_DIR   # munged + slurmctld + slurmd, waits for the node to be idle
#   scripts/slurm-local.sh status STATE_DIR   # exit 0 if all three run and the node answers
#   scripts/slurm-local.sh stop   STATE_DIR   # cancels jobs, stops exactly the daemons `start` started
#
# Everything lives under STATE_DIR: slurm.conf, the MUNGE key and socket, spool, state,
# logs and pid files. /etc/slurm, /etc/munge and a system munged are left alone. After
# `start`, point the Slurm commands at the cluster with
#   . STATE_DIR/env.sh        # export SLURM_CONF=STATE_DIR/slurm.conf
#
# Needs the Debian packages slurmctld, slurmd, slurm-client and munge
# (scripts/install-deps.sh) and root: slurmd starts job steps as the submitting user.
#
# Environment:
#   SLURM_LOCAL_CTLD_PORT  slurmctld port (default 6817)
#   SLURM_LOCAL_SLURMD_PORT slurmd port (default 6818)
#   SLURM_LOCAL_TIMEOUT    seconds `start` waits for the node to come up (default 30)
#   SLURM_LOCAL_PARTITION  partition name (default cinepipe)
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status STATE_DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
case "$cmd" in start | stop | status) ;; *) usage ;; esac

log() { echo "slurm-local: $*" >&2; }
die() {
  log "$*"
  exit 1
}

if [ "$cmd" = start ]; then
  mkdir -p "$2"
elif [ ! -d "$2" ]; then
  [ "$cmd" = stop ] && { log "nothing was running under $2 (no such directory)"; exit 0; }
  echo "no cluster under $2 (no such directory)"
  exit 1
fi
state=$(cd "$2" && pwd -P)
conf=$state/slurm.conf
ctld_port=${SLURM_LOCAL_CTLD_PORT:-6817}
slurmd_port=${SLURM_LOCAL_SLURMD_PORT:-6818}
timeout=${SLURM_LOCAL_TIMEOUT:-30}
partition=${SLURM_LOCAL_PARTITION:-cinepipe}
# The node and the controller are both called "localhost", whatever this machine's
# hostname is: slurmd is told its name with -N, so nothing depends on `hostname`
# resolving (containers often have odd hostnames).
node=localhost

# pid file -> expected executable name (as in /proc/PID/comm)
declare -A pidfiles=(
  [munged]=$state/munge/munged.pid
  [slurmctld]=$state/run/slurmctld.pid
  [slurmd]=$state/run/slurmd.pid
)

# Prints the pid in the pid file if that process is alive and is the expected daemon
# (a stale pid file whose pid was reused by another program does not count).
running_pid() {
  local name=$1 file=${pidfiles[$1]} pid comm
  [ -s "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] || return 1
  alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  # /proc/PID/comm is cut to 15 characters; slurmctld and slurmd may show their
  # Debian alternatives' names slurmctld-wlm / slurmd-wlm.
  case "$comm" in "$name" | "$name"-wlm) ;; *) return 1 ;; esac
  # and it must be ours: started with this STATE_DIR's files
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$state/" || return 1
  echo "$pid"
}

# alive PID: the process exists and is not a zombie (a daemon reparented to an init that
# does not reap would otherwise look alive forever)
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local st
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ "$st" != Z ]
}

# wait_gone TENTHS PID...: waits up to TENTHS tenths of a second for all PIDs to exit
wait_gone() {
  local n=$1 i p any
  shift
  for ((i = 0; i <= n * 2; i++)); do
    any=0
    for p in "$@"; do alive "$p" && any=1; done
    [ $any -eq 0 ] && return 0
    sleep 0.05
  done
  return 1
}

# stop_pids WAIT PID...: SIGTERM to all, waits up to WAIT seconds for all to exit, then
# SIGKILL to the ones left
stop_pids() {
  local wait=$1 p left=()
  shift
  kill -TERM "$@" 2>/dev/null || true
  wait_gone $((wait * 10)) "$@" && return 0
  for p in "$@"; do alive "$p" && left+=("$p"); done
  log "pid(s) ${left[*]} did not exit ${wait}s after SIGTERM, sending SIGKILL"
  kill -KILL "${left[@]}" 2>/dev/null || true
  wait_gone 50 "${left[@]}"
}

# Processes of this cluster's jobs: every slurmstepd and job process carries
# SLURM_CONF=STATE_DIR/slurm.conf in its environment (slurmd was started with it, and
# sbatch propagates SLURM_* even with --export=NONE); job processes also carry SLURM_JOB_ID. A shell that merely sourced
# env.sh has no SLURM_JOB_ID and is not touched, nor are this script and its callers.
job_pids() {
  local p pid self_chain=" $$ " q=$$
  while [ "$q" -gt 1 ] 2>/dev/null; do
    q=$(awk '/^PPid:/ {print $2}' "/proc/$q/status" 2>/dev/null) || break
    [ -n "$q" ] || break
    self_chain+="$q "
  done
  # one grep over all environments (-z: NUL-separated entries), not a process per pid;
  # /proc paths have no spaces
  # shellcheck disable=SC2013
  for p in $(grep -l -a -z -x -F "SLURM_CONF=$conf" /proc/[0-9]*/environ 2>/dev/null); do
    p=${p%/environ}
    pid=${p#/proc/}
    case "$self_chain" in *" $pid "*) continue ;; esac
    if [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] ||
      grep -q -a -z '^SLURM_JOB_ID=' "$p/environ" 2>/dev/null; then
      alive "$pid" && echo "$pid"
    fi
  done
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

show_logs() {
  local f
  for f in "$state/log/slurmctld.log" "$state/log/slurmd.log" "$state/munge/munged.log"; do
    [ -f "$f" ] || continue
    echo "---- tail $f" >&2
    tail -n 15 "$f" >&2
  done
}

# start failed: show the logs, stop whatever did start, exit 1
fail() {
  show_logs
  log "$*"
  do_stop || true
  die "start failed: $*"
}

node_state() {
  SLURM_CONF=$conf sinfo -h -n "$node" -o %T 2>/dev/null | head -n 1
}

do_status() {
  local ok=0 name pid
  for name in munged slurmctld slurmd; do
    if pid=$(running_pid "$name"); then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
      ok=1
    fi
  done
  if [ $ok -eq 0 ]; then
    echo "node $node: $(node_state || echo '?')"
    echo "export SLURM_CONF=$conf"
  fi
  return $ok
}

do_stop() {
  local name pid i stopped=0 pids=() jobs
  if running_pid slurmctld >/dev/null; then
    # Cancel what is queued or running, so that no job outlives the cluster.
    jobs=$(SLURM_CONF=$conf squeue -h -o %F 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      log "cancelling jobs: $jobs"
      # shellcheck disable=SC2086
      SLURM_CONF=$conf scancel $jobs 2>/dev/null || true
      # only slurmd can end them: without it they would stay "completing"
      if running_pid slurmd >/dev/null; then
        for ((i = 0; i < 100; i++)); do
          [ -z "$(SLURM_CONF=$conf squeue -h -o %A 2>/dev/null)" ] && break
          sleep 0.1
        done
      fi
    fi
  fi
  # slurmd and slurmctld together (each takes a second or two to shut down), then munged
  for name in slurmd slurmctld; do
    if pid=$(running_pid "$name"); then pids+=("$pid"); fi
  done
  if [ ${#pids[@]} -gt 0 ]; then
    stop_pids 15 "${pids[@]}" || die "could not stop slurmd/slurmctld (pids ${pids[*]})"
    stopped=$((stopped + ${#pids[@]}))
  fi
  if pid=$(running_pid munged); then
    stop_pids 10 "$pid" || die "could not stop munged (pid $pid)"
    stopped=$((stopped + 1))
  fi
  rm -f "${pidfiles[@]}"
  # Job processes left behind (slurmd died before the jobs were cancelled, or a job
  # ignored the signal): they are orphans now, SIGKILL them.
  pids=()
  for pid in $(job_pids); do pids+=("$pid"); done
  if [ ${#pids[@]} -gt 0 ]; then
    log "killing ${#pids[@]} leftover job process(es): ${pids[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait_gone 50 "${pids[@]}" || log "some job processes did not exit: ${pids[*]}"
  fi
  rm -f "$state/munge/munge.socket" "$state/munge/munge.socket.lock"
  if [ $stopped -eq 0 ]; then
    log "nothing was running under $state"
  else
    log "stopped $stopped daemon(s) under $state"
  fi
}

write_conf() {
  local cpus mem line
  # What slurmd itself detects, so the node registers with a valid configuration.
  line=$(slurmd -C | head -n 1)
  cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$line")
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$line")
  if [ -z "$cpus" ] || [ -z "$mem" ]; then
    die "could not read CPUs/RealMemory from 'slurmd -C': $line"
  fi
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node throwaway cluster, see docs/slurm.md.
ClusterName=cinepipe-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root

# MUNGE authentication through our own munged
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket

# all state, spool, logs and pid files under STATE_DIR
StateSaveLocation=$state/spool/slurmctld
SlurmdSpoolDir=$state/spool/slurmd
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$state/plugstack.conf

# no cgroups (containers), no accounting database, no MPI
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none

# cores are the consumable resource: a 1-CPU array task leaves the other cores free
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1

# a DOWN node comes back as soon as slurmd registers; short timeouts for a local cluster
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
KillWait=5
InactiveLimit=0
MinJobAge=300
Waittime=0
MailProg=/bin/true

NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$partition Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  : >"$state/plugstack.conf"
}

do_start() {
  local name pid i st=""
  [ "$(id -u)" -eq 0 ] || die "needs root: slurmd starts each job step as the submitting user (setuid) and its
  slurmstepd needs root for that; run it as root (CI does), e.g. sudo $0 start $state"
  for name in munged slurmctld slurmd; do
    command -v "$name" >/dev/null || die "$name not found: install slurmctld slurmd slurm-client munge (scripts/install-deps.sh)"
  done
  for name in munged slurmctld slurmd; do
    if pid=$(running_pid "$name"); then
      die "$name already running under $state (pid $pid): '$0 stop $state' first"
    fi
  done
  for p in "$ctld_port" "$slurmd_port"; do
    port_in_use "$p" && die "port $p on 127.0.0.1 is in use (another Slurm?); set SLURM_LOCAL_CTLD_PORT / SLURM_LOCAL_SLURMD_PORT"
  done

  # Clients of any user reach the MUNGE socket through STATE_DIR (mktemp -d makes it 0700)
  chmod go+x "$state"
  # a fresh cluster every time: no job state or logs from an earlier run
  rm -rf "$state/spool" "$state/log" "$state/run" "$state/munge"
  mkdir -p "$state/spool/slurmctld" "$state/spool/slurmd" "$state/log" "$state/run" "$state/munge"
  # munged insists: socket directory executable by all, key readable by its owner only,
  # and no group/world-writable directory above them unless sticky (like /tmp).
  chmod 755 "$state/munge"
  mungekey --create --keyfile="$state/munge/munge.key" --force
  chmod 600 "$state/munge/munge.key"
  write_conf

  munged --socket="$state/munge/munge.socket" --key-file="$state/munge/munge.key" \
    --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" \
    --seed-file="$state/munge/munged.seed" --origin=127.0.0.1 ||
    fail "munged did not start"
  munge -n -S "$state/munge/munge.socket" | unmunge -S "$state/munge/munge.socket" >/dev/null ||
    fail "munged does not answer on $state/munge/munge.socket"

  # -c: no state from an earlier controller; -i: ignore errors reading it
  SLURM_CONF=$conf slurmctld -f "$conf" -c -i || fail "slurmctld did not start"
  SLURM_CONF=$conf slurmd -f "$conf" -N "$node" || fail "slurmd did not start"

  for ((i = 0; i < timeout * 5; i++)); do
    st=$(node_state || true)
    case "$st" in
      idle) break ;;
    esac
    sleep 0.2
  done
  if [ "$st" != idle ]; then
    SLURM_CONF=$conf sinfo -N -l >&2 2>&1 || true
    fail "node $node is '${st:-unreachable}' after ${timeout}s, not idle"
  fi
  echo "export SLURM_CONF=$conf" >"$state/env.sh"
  log "cluster up: node $node idle in partition $partition ($(running_pid munged), $(running_pid slurmctld), $(running_pid slurmd) = munged, slurmctld, slurmd)"
  echo "export SLURM_CONF=$conf"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
esac

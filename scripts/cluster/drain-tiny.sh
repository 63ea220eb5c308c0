#!/bin/bash
# Wall time of the tiny sweep run locally (--jobs 1), drained by 1 worker, by 2 workers, and by 2 workers with
# worker 1 SIGKILLed 2 s into its first row (lock 5 s). Needs redis-server and a built checkout. Prints nothing;
# the times are in OUTDIR/times, the rows in OUTDIR/<run>.out (results.json of each run).
set -u
cd "$(dirname "$0")/../.."
D=${1:?usage: drain-tiny.sh OUTDIR}; mkdir -p "$D"
rm -rf $D/s-* ; : > $D/times
now() { date +%s.%N; }
t0=$(now); SPIKESPLIT_RUNS_DIR=$D/s-local nice -n 10 node dist/scripts/cli.js sweep --preset tiny --jobs 1 > $D/local.out 2> $D/local.err; t1=$(now)
echo "local --jobs 1: $(echo "$t1 - $t0" | bc) s (load $(cut -d' ' -f1 /proc/loadavg))" >> $D/times
run() { # name workers kill
  local name=$1 n=$2 kill=$3
  PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no > $D/$name-redis.log 2>&1 & local RP=$!
  sleep 0.5
  local pids=()
  for i in $(seq 1 $n); do nice -n 10 node dist/scripts/cli.js worker --queue redis://127.0.0.1:$PORT --store $D/s-$name --lock-seconds 5 > $D/$name-w$i.log 2>&1 & pids+=($!); done
  for i in $(seq 1 $n); do until grep -q "taking jobs" $D/$name-w$i.log; do sleep 0.2; done; done
  local a=$(now)
  nice -n 10 node dist/scripts/cli.js sweep --preset tiny --queue redis://127.0.0.1:$PORT --store $D/s-$name --json > $D/$name.out 2> $D/$name.err & local F=$!
  if [ "$kill" = 1 ]; then
    until grep -q "sweep/RB3-32x32x4-T2: started\|sweep/RB3-16x16x1-T2: started" $D/$name-w1.log; do sleep 0.1; done
    sleep 2; kill -9 ${pids[0]}; echo "killed worker 1 at $(echo "$(now) - $a" | bc) s while: $(grep ': started' $D/$name-w1.log | tail -1)" >> $D/times
  fi
  wait $F; local b=$(now)
  echo "$name ($n workers): $(echo "$b - $a" | bc) s (load $(cut -d' ' -f1 /proc/loadavg))" >> $D/times
  for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait "${pids[@]}" 2>/dev/null; kill $RP
}
run one 1 0
run two 2 0
run killed 2 1

#!/usr/bin/env bash
# The bidder's HTTP figures (docs/BENCHMARKS.md, "Bidder"): saturated throughput of the bidder and of
# the bare-Kestrel baseline (with the bidder's inline scheduling, and with Kestrel's defaults), measured
# alternately (ROUNDS times, DURATION seconds each) so all see the same machine, then latency at a fixed
# RATE with the fixed-rate load tool (raw-socket client). Each saturated run also gives the server's CPU per
# request (its process's user + system time over the run, divided by the requests wrk completed). With
# ANSWER_BYTES=N a third baseline answers a constant N-byte JSON body with the bidder's headers (e.g. the size
# of the bidder's answer, 1273 bytes here): what sending the answer costs, without the bid's own work.
# Run from the repository root:
#   bash benchmarks/wrk/run.sh            # ROUNDS=3 DURATION=30 RATE=2000 CONNECTIONS=32 LOG_EVENTS=true ANSWER_BYTES=
# Needs wrk (apt-get install wrk). Uses models/default.cpm when present, else the stand-in model.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${DURATION:-30}
RATE=${RATE:-2000}
CONNECTIONS=${CONNECTIONS:-32}
LOG_EVENTS=${LOG_EVENTS:-true}
ANSWER_BYTES=${ANSWER_BYTES:-}
# shellcheck source=benchmarks/wrk/prepare.sh
source benchmarks/wrk/prepare.sh

dotnet "$bidder" --Registry:Path="$work/registry" --Registry:DefaultModelPath="$model" \
  --Logging:LogLevel:Default=Warning --Kafka:Embedded:Shared=false --Bidder:LogEvents="$LOG_EVENTS" --Fleet:Enabled="$LOG_EVENTS" >"$work/bidder.log" 2>&1 &
declare -A pids=([5080]=$!)
targets=(bidder:5080 baseline:5090 baseline-kestrel-defaults:5091)
# Two baselines: with the bidder's transport settings (inline scheduling, the like-for-like ratio) and with
# Kestrel's own defaults (requests handed to the thread pool).
dotnet "$bench" bidder-baseline --urls http://127.0.0.1:5090 >"$work/baseline.log" 2>&1 &
pids[5090]=$!
Bidder__InlineScheduling=false dotnet "$bench" bidder-baseline --urls http://127.0.0.1:5091 >"$work/baseline-kestrel.log" 2>&1 &
pids[5091]=$!
if [ -n "$ANSWER_BYTES" ]; then
  dotnet "$bench" bidder-baseline --urls http://127.0.0.1:5092 --answer-bytes "$ANSWER_BYTES" >"$work/baseline-sized.log" 2>&1 &
  pids[5092]=$!
  targets+=(baseline-sized:5092)
fi
# The process's user + system CPU time, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the name).
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
hz=$(getconf CLK_TCK)
for target in "${targets[@]}"; do
  port=${target##*:}
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/openrtb2/bid" -H 'Content-Type: application/json' --data-binary "$(head -1 benchmarks/wrk/bodies.jsonl)" && break; sleep 0.5; done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (10 s each)"
for target in "${targets[@]}"; do
  wrk -t2 -c"$CONNECTIONS" -d10s -s benchmarks/wrk/bidder.lua "http://127.0.0.1:${target##*:}" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for target in "${targets[@]}"; do
    name=${target%%:*}; port=${target##*:}
    before=$(ticks "${pids[$port]}")
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s benchmarks/wrk/bidder.lua "http://127.0.0.1:$port")
    after=$(ticks "${pids[$port]}")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "round $round $name: $rps req/s, CPU $cpu us/request, p50 $p50, p99 $p99 ${errors:-} (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
echo "fixed rate: $RATE req/s against the bidder"
dotnet "$bench" bidder-load --url http://127.0.0.1:5080/openrtb2/bid --bodies benchmarks/wrk/bodies.jsonl \
  --rate "$RATE" --seconds "$SECONDS_EACH" --connections 16 --warmup 5 --client raw
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s http://127.0.0.1:5080/metrics | grep -E '^clickpredict_(kafka_dropped|kafka_produced|bidder_requests)_total' || true

#!/usr/bin/env bash
# The bidder's HTTP figures (docs/BENCHMARKS.md, "Bidder"): saturated throughput of the bidder and of
# the bare-Kestrel baseline (with the bidder's inline scheduling, and with Kestrel's defaults), measured
# alternately (ROUNDS times, DURATION seconds each) so all see the same machine, then latency at a fixed
# RATE with the fixed-rate load tool (raw-socket client). Run from the repository root:
#   bash benchmarks/wrk/run.sh            # ROUNDS=3 DURATION=30 RATE=2000 CONNECTIONS=32 LOG_EVENTS=true
# Needs wrk (apt-get install wrk). Uses models/default.cpm when present, else the stand-in model.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${DURATION:-30}
RATE=${RATE:-2000}
CONNECTIONS=${CONNECTIONS:-32}
LOG_EVENTS=${LOG_EVENTS:-true}
# shellcheck source=benchmarks/wrk/prepare.sh
source benchmarks/wrk/prepare.sh

dotnet "$bidder" --Registry:Path="$work/registry" --Registry:DefaultModelPath="$model" \
  --Logging:LogLevel:Default=Warning --Kafka:Embedded:Shared=false --Bidder:LogEvents="$LOG_EVENTS" --Fleet:Enabled="$LOG_EVENTS" >"$work/bidder.log" 2>&1 &
# Two baselines: with the bidder's transport settings (inline scheduling, the like-for-like ratio) and with
# Kestrel's own defaults (requests handed to the thread pool).
dotnet "$bench" bidder-baseline --urls http://127.0.0.1:5090 >"$work/baseline.log" 2>&1 &
Bidder__InlineScheduling=false dotnet "$bench" bidder-baseline --urls http://127.0.0.1:5091 >"$work/baseline-kestrel.log" 2>&1 &
for port in 5080 5090 5091; do
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/openrtb2/bid" -H 'Content-Type: application/json' --data-binary "$(head -1 benchmarks/wrk/bodies.jsonl)" && break; sleep 0.5; done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (10 s each)"
wrk -t2 -c"$CONNECTIONS" -d10s -s benchmarks/wrk/bidder.lua http://127.0.0.1:5080 >/dev/null
wrk -t2 -c"$CONNECTIONS" -d10s -s benchmarks/wrk/bidder.lua http://127.0.0.1:5090 >/dev/null
wrk -t2 -c"$CONNECTIONS" -d10s -s benchmarks/wrk/bidder.lua http://127.0.0.1:5091 >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for target in bidder:5080 baseline:5090 baseline-kestrel-defaults:5091; do
    name=${target%%:*}; port=${target##*:}
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s benchmarks/wrk/bidder.lua "http://127.0.0.1:$port")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "round $round $name: $rps req/s, p50 $p50, p99 $p99 ${errors:-} (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
echo "fixed rate: $RATE req/s against the bidder"
dotnet "$bench" bidder-load --url http://127.0.0.1:5080/openrtb2/bid --bodies benchmarks/wrk/bodies.jsonl \
  --rate "$RATE" --seconds "$SECONDS_EACH" --connections 16 --warmup 5 --client raw
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -s http://127.0.0.1:5080/metrics | grep -E '^clickpredict_(kafka_dropped|kafka_produced|bidder_requests)_total' || true

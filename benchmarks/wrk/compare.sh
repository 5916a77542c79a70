#!/usr/bin/env bash
# Saturated throughput of the bidder as built from this checkout against the bidder as built from another
# commit (BASE, any git ref), measured alternately so both see the
# same machine (docs/BENCHMARKS.md: ratios are quoted against a baseline run in the same session). Both run
# their shipped config/bidder.json (event logging on, each its own embedded broker) on ports 5080 (this
# checkout) and 5081 (BASE), with the same model and request bodies. Run from the repository root:
#   BASE=c570909 bash benchmarks/wrk/compare.sh      # ROUNDS=5 DURATION=20 CONNECTIONS=32
# Needs wrk (apt-get install wrk). Extra --Key=Value settings for both bidders: SETTINGS="--Bidder:LogEvents=false ...".
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${BASE:?set BASE to the commit to compare against}
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
read -r -a extra <<<"${SETTINGS:-}"
# shellcheck source=benchmarks/wrk/prepare.sh
source benchmarks/wrk/prepare.sh
base_tree="$work/base"
git worktree add -q --detach "$base_tree" "$BASE"
trap 'kill $(jobs -p) 2>/dev/null || true; git worktree remove --force "$base_tree" 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build -c Release "$base_tree/src/ClickPredict.Bidder" -v q -nologo >/dev/null
base_bidder="$base_tree/src/ClickPredict.Bidder/bin/Release/net10.0/ClickPredict.Bidder.dll"

repo=$(pwd)
# Each from its own tree, so it reads that tree's config/bidder.json and campaigns.
start() { # start NAME PORT DLL TREE
  (cd "$4" && exec dotnet "$3" --urls "http://127.0.0.1:$2" --Bidder:PublicBaseUrl="http://127.0.0.1:$2" \
    --Registry:Path="$work/registry-$1" --Registry:DefaultModelPath="$repo/$model" --Logging:LogLevel:Default=Warning \
    --Kafka:Embedded:Shared=false "${extra[@]}" >"$work/$1.log" 2>&1) &
}
start head 5080 "$repo/$bidder" "$repo"
start base 5081 "$base_bidder" "$base_tree"
for port in 5080 5081; do
  ok=
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/openrtb2/bid" -H 'Content-Type: application/json' --data-binary "$(head -1 benchmarks/wrk/bodies.jsonl)"; then ok=1; break; fi
    sleep 0.5
  done
  [ -n "$ok" ] || { echo "the bidder on $port did not answer; its log:" >&2; tail -20 "$work"/*.log >&2; exit 1; }
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); HEAD $(git rev-parse --short HEAD), BASE $(git -C "$base_tree" rev-parse --short HEAD); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for port in 5080 5081; do wrk -t2 -c"$CONNECTIONS" -d10s -s benchmarks/wrk/bidder.lua "http://127.0.0.1:$port" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  for target in head:5080 base:5081; do
    name=${target%%:*}; port=${target##*:}
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s benchmarks/wrk/bidder.lua "http://127.0.0.1:$port")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "round $round $name: $rps req/s, p99 $p99 ${errors:-} (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
for port in 5080 5081; do
  echo "$port: $(curl -s "http://127.0.0.1:$port/metrics" | grep -E '^clickpredict_bidder_requests_total' | tr '\n' ' ')"
done

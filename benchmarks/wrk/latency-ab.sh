#!/usr/bin/env bash
# Fixed-rate latency of the bidder under alternative settings, measured alternately so each sees the same
# machine (docs/BENCHMARKS.md, "Bidder"). Each configuration is a quoted list of --Key=Value settings and
# NAME=value environment variables (e.g. DOTNET_gcServer=0); a configuration containing the word "baseline"
# runs the bare Kestrel endpoint that only parses the JSON and answers 204 (the wrk baseline; with its
# variables, if any) under the same load tool:
#   bash benchmarks/wrk/latency-ab.sh "" baseline "--Bidder:LogEvents=false --Fleet:Enabled=false" "DOTNET_gcServer=0"
# ROUNDS (default 2) rounds of RATE (2000) requests/s for DURATION (20) seconds each, after a 5 s warm-up.
# CLIENT=http (default: HttpClient) or raw (a blocking socket and thread per connection; see LoadGenerator).
# BROKER=inprocess (default: the bidder runs the embedded broker itself) or separate (a trainer process with
# its joiner and learner off hosts the embedded broker and the bidder joins it, as bidders join a cluster
# elsewhere; the broker's threads leave the bidder's process, not the machine).
# SERVER_CPUS and CLIENT_CPUS (taskset lists, e.g. 1 and 0) pin the server, and the load tool with the
# broker's host when BROKER=separate, to their own cores, so the load tool does not take the server's CPU
# as it would not on separate machines.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-2}
server_pin=() client_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "${CLIENT_CPUS:-}" ] && client_pin=(taskset -c "$CLIENT_CPUS")
SECONDS_EACH=${DURATION:-20}
RATE=${RATE:-2000}
CLIENT=${CLIENT:-http}
# shellcheck source=benchmarks/wrk/prepare.sh
source benchmarks/wrk/prepare.sh
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
broker_settings=(--Kafka:Embedded:Shared=false)
if [ "${BROKER:-inprocess}" = separate ]; then
  dotnet build -c Release src/ClickPredict.Trainer -v q -nologo >/dev/null
  discovery="$work/discovery"
  "${client_pin[@]}" dotnet src/ClickPredict.Trainer/bin/Release/net10.0/ClickPredict.Trainer.dll --urls http://127.0.0.1:5095 \
    --Trainer:Joiner:Enabled=false --Trainer:Learner:Enabled=false --Trainer:StateDirectory="$work/trainer-state" \
    --Registry:Path="$work/trainer-registry" --Logging:LogLevel:Default=Warning \
    --Kafka:Embedded:DiscoveryDirectory="$discovery" >"$work/broker.log" 2>&1 &
  for _ in $(seq 1 60); do [ -f "$discovery/kafka-embedded.json" ] && break; sleep 0.5; done
  [ -f "$discovery/kafka-embedded.json" ] || { echo "the broker host did not start; its log:" >&2; tail -20 "$work/broker.log" >&2; exit 1; }
  echo "broker: embedded, in a separate process ($(grep -o '"bootstrapServers": *"[^"]*"' "$discovery/kafka-embedded.json"))"
  broker_settings=(--Kafka:Embedded:Shared=true --Kafka:Embedded:DiscoveryDirectory="$discovery")
fi
# CPU ticks by thread name of process $1, one "name|ticks" line per name (/proc/PID/task/*/stat, user + system).
thread_cpu() {
  for task in /proc/"$1"/task/*; do
    name=$(cat "$task/comm" 2>/dev/null) || continue
    ticks=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    echo "$name|$ticks"
  done | awk -F'|' '{ s[$1] += $2 } END { for (n in s) print n "|" s[n] }'
}
for round in $(seq 1 "$ROUNDS"); do
  for config in "$@"; do
    settings=() variables=() bare=false
    for item in $config; do
      case "$item" in --*) settings+=("$item") ;; *=*) variables+=("$item") ;; baseline) bare=true ;; esac
    done
    if curl -s -o /dev/null --max-time 1 http://127.0.0.1:5080/; then
      echo "something already listens on 127.0.0.1:5080; stop it first" >&2; exit 1
    fi
    if [ "$bare" = true ]; then
      "${server_pin[@]}" env "${variables[@]}" dotnet "$bench" bidder-baseline --urls http://127.0.0.1:5080 >"$work/bidder.log" 2>&1 &
    else
      "${server_pin[@]}" env "${variables[@]}" dotnet "$bidder" --urls http://127.0.0.1:5080 --Registry:Path="$work/registry-$round" --Registry:DefaultModelPath="$model" \
        --Logging:LogLevel:Default=Warning "${broker_settings[@]}" "${settings[@]}" >"$work/bidder.log" 2>&1 &
    fi
    pid=$!
    for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:5080/openrtb2/bid -H 'Content-Type: application/json' --data-binary "$(head -1 benchmarks/wrk/bodies.jsonl)" && break; sleep 0.5; done
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server [${config:-as shipped}] exited before it answered; its log:" >&2; tail -20 "$work/bidder.log" >&2; exit 1
    fi
    cpu_before=$(thread_cpu "$pid")
    out=$("${client_pin[@]}" dotnet "$bench" bidder-load --url http://127.0.0.1:5080/openrtb2/bid --bodies benchmarks/wrk/bodies.jsonl \
      --rate "$RATE" --seconds "$SECONDS_EACH" --connections 16 --warmup 5 --client "$CLIENT")
    echo "round $round [${config:-as shipped}] client $CLIENT broker ${BROKER:-inprocess}${SERVER_CPUS:+ server cpus $SERVER_CPUS}${CLIENT_CPUS:+ client cpus $CLIENT_CPUS} load $(cut -d' ' -f1 /proc/loadavg): $(echo "$out" | grep -E '^latency' ) | $(echo "$out" | grep -E '^requests' | cut -d';' -f2-) | $(echo "$out" | grep -E 'schedule lag')"
    # The server's CPU over the warm-up and the measured run, per request, by thread name (ticks of 10 ms).
    thread_cpu "$pid" | awk -v before="$cpu_before" -v requests="$((RATE * (SECONDS_EACH + 5)))" '
      BEGIN { n = split(before, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, "|"); b[f[1]] = f[2] } }
      { split($0, f, "|"); d = f[2] - b[f[1]]; if (d > 0) { total += d; by[f[1]] = d } }
      END { line = sprintf("  server CPU: %.1f us per request;", total * 10000 / requests); for (t in by) if (by[t] * 10000 / requests >= 1) line = line sprintf(" %s %.1f;", t, by[t] * 10000 / requests); print line }'
    # The bidder's own view: its request-duration histogram (server time, from request start to response written).
    curl -s http://127.0.0.1:5080/metrics | awk '/^clickpredict_bidder_request_duration_seconds_bucket/ {
        match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); if (!(le in b)) order[n++] = le; b[le] += $NF }
      END { total = b["+Inf"]; if (total == 0) exit; line = "  server time (the bidder'"'"'s histogram), share of requests within:";
        for (i = 0; i < n; i++) { le = order[i]; if (le == "+Inf" || le + 0 <= 0.005) line = line sprintf(" %s s %.4f;", le, b[le] / total) }
        print line }'
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

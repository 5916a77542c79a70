#!/usr/bin/env bash
# The fleet's overspend (docs/BENCHMARKS.md, "Fleet: overspend with 1, 3 and 5 bidders"): the demo with every
# campaign at a $2 budget, ROUNDS rounds of 1, 3 and 5 bidders and 3 bidders with the share rule and bid
# reservations off, one line each: the most and the mean over budget per campaign, total spend, the summary's
# fleet timing and notices, the overspend bound computed from the run's own bid rates and delays.
# Run from the repository root: bash benchmarks/fleet-overspend.sh   (ROUNDS=2, DURATION=90s, about 15 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-90s}
dotnet build -c Release src/ClickPredict.Cli -v q -nologo >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # run NAME BIDDERS [VAR=value...]
  local name=$1 bidders=$2; shift 2
  echo "=== $name $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  env "$@" dotnet src/ClickPredict.Cli/bin/Release/net10.0/clickpredict.dll demo --duration "$DURATION" --budget-usd 2 --json --bidders "$bidders" >"$out/$name.json"
  python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
over = [(c['spentUsd'] - c['budgetUsd']) / c['budgetUsd'] * 100 for c in d['campaigns']]
print(sys.argv[2], "bidders", d['bidders'], "max over %.2f%%" % max(over), "mean %.2f%%" % (sum(over) / len(over)),
      "spent", round(sum(c['spentUsd'] for c in d['campaigns']), 4), "of", sum(c['budgetUsd'] for c in d['campaigns']),
      d['fleet'], d['notices'], "bound min/max", min(c['overspendBoundUsd'] or 0 for c in d['campaigns']),
      max(c['overspendBoundUsd'] or 0 for c in d['campaigns']), "bids/s max", max(c['bidsPerSecond'] or 0 for c in d['campaigns']),
      "errors", d['errors'], "skipped", d['skipped'])
print("  per campaign %:", ["%.2f" % o for o in over])
PY
}
for round in $(seq 1 "$ROUNDS"); do
  run "b1-r$round" 1
  run "b3-r$round" 3
  run "b5-r$round" 5
  run "b3off-r$round" 3 Fleet__ShareRemainder=false Fleet__BidReserveMs=0
done

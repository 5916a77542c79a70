# Sourced by run.sh and latency-ab.sh (from the repository root): a scratch directory removed on exit
# (with any servers still running), Release builds of the bidder and the benchmarks, their paths in
# $bidder and $bench, the request bodies, and the model in $model (the shipped default, else a stand-in).
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build -c Release src/ClickPredict.Bidder -v q -nologo >/dev/null
dotnet build -c Release benchmarks/ClickPredict.Benchmarks -v q -nologo >/dev/null
bench=benchmarks/ClickPredict.Benchmarks/bin/Release/net10.0/ClickPredict.Benchmarks.dll
bidder=src/ClickPredict.Bidder/bin/Release/net10.0/ClickPredict.Bidder.dll
[ -f benchmarks/wrk/bodies.jsonl ] || dotnet "$bench" bidder-bodies --out benchmarks/wrk/bodies.jsonl --count 200
model=models/default.cpm
if [ ! -f "$model" ]; then
  model="$work/stand-in.cpm"
  dotnet "$bench" bidder-model --out "$model"
fi

#!/usr/bin/env bash
# Opt-in: co-simulate every cellular layer of both fixture models tile by tile against ngspice
# (cellspice cosim MODEL_DIR --layer NAME), on each layer's golden input. Long: see docs/export.md
# for the measured time. Run it on a quiet machine:
#
#   flock /tmp/cellspice-cpu.lock bash scripts/cosim-all-layers.sh            # every layer
#   TILE=4x4 JOBS=2 MODELS=cellnn-mnist LAYERS="up1.block1" bash scripts/cosim-all-layers.sh
#   RUNS="mcellnn-mnist:up1.block1:2x2 cellnn-mnist:up2.block1" bash scripts/cosim-all-layers.sh
#
# RUNS (model:layer or model:layer:tile, in that order) replaces the MODELS × LAYERS product. The CLI is built
# once and run from a snapshot of dist/ ($OUT/dist), so a rebuild during a long run changes
# nothing. Writes out/cosim-all/<model>/<layer>/ (layer-cosim.json, report.html, figures) and
# appends one line per layer to out/cosim-all/summary.tsv (cells, tiles, elapsed seconds, worst
# |Δx|, verdict); exits 1 if any layer's verdict fails.
set -u
cd "$(dirname "$0")/.."
TILE=${TILE:-4x4}
JOBS=${JOBS:-$(nproc)}
TIMEOUT=${TIMEOUT:-3600} # seconds one ngspice tile may run (an M-CellNN 7x7 tile takes minutes)
MODELS=${MODELS:-"cellnn-mnist mcellnn-mnist"}
LAYERS=${LAYERS:-"init_conv down1.block down2.block up1.block1 up1.block2 up2.block1 up2.block2"}
OUT=out/cosim-all
if [ -z "${RUNS:-}" ]; then
  RUNS=""
  for model in $MODELS; do for layer in $LAYERS; do RUNS="$RUNS $model:$layer"; done; done
fi
npm run build --silent >/dev/null || exit 2
mkdir -p "$OUT"
rm -rf "$OUT/dist" && cp -r dist "$OUT/dist"
[ -f "$OUT/summary.tsv" ] ||
  printf 'model\tlayer\ttile\tjobs\texit\tseconds\tcells\ttiles\tmax_abs_dx\tverdict\tcommit\tfinished\n' >"$OUT/summary.tsv"
commit=$(git rev-parse --short HEAD)
status=0
for run in $RUNS; do
  IFS=: read -r model layer tile <<<"$run"
  tile=${tile:-$TILE}
  rm -f "$OUT/$model/$layer/layer-cosim.json"
  start=$(date +%s.%N)
  node "$OUT/dist/src/cli/main.js" cosim "test/fixtures/models/$model" --layer "$layer" \
    --tile "$tile" --jobs "$JOBS" --timeout "$TIMEOUT" --out-dir "$OUT/$model/$layer" \
    >"$OUT/$model-$layer.txt" 2>"$OUT/$model-$layer.err"
  code=$?
  end=$(date +%s.%N)
  verdict=$(head -n 1 "$OUT/$model-$layer.txt" | sed 's/.*: //')
  secs=$(echo "$end - $start" | bc)
  facts=$(node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const a = d.array;
    console.log([`${a.channels}x${a.rows}x${a.cols}`, d.tiling.tiles, d.overall.maxAbs.toExponential(2)].join("\t"));
  ' "$OUT/$model/$layer/layer-cosim.json" 2>/dev/null || printf -- '-\t-\t-')
  printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\n' "$model" "$layer" "$tile" "$JOBS" "$code" \
    "$secs" "$facts" "${verdict:-none}" "$commit" "$(date -u +%FT%TZ)" | tee -a "$OUT/summary.tsv"
  [ "$code" -eq 0 ] || status=1
done
exit $status

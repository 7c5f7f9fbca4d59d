#!/usr/bin/env bash
# Opt-in: co-simulate every cellular layer of both fixture models tile by tile against ngspice
# (cellspice cosim MODEL_DIR --layer NAME), on each layer's golden input. Long: see docs/export.md
# for the measured time. Run it on a quiet machine:
#
#   flock /tmp/cellspice-cpu.lock bash scripts/cosim-all-layers.sh            # every layer
#   TILE=4x4 JOBS=2 MODELS=cellnn-mnist LAYERS="up1.block1" bash scripts/cosim-all-layers.sh
#
# Writes out/cosim-all/<model>/<layer>/ (layer-cosim.json, report.html, figures) and one line per
# layer to out/cosim-all/summary.tsv; exits 1 if any layer's verdict fails.
set -u
cd "$(dirname "$0")/.."
TILE=${TILE:-4x4}
JOBS=${JOBS:-$(nproc)}
MODELS=${MODELS:-"cellnn-mnist mcellnn-mnist"}
LAYERS=${LAYERS:-"init_conv down1.block down2.block up1.block1 up1.block2 up2.block1 up2.block2"}
OUT=out/cosim-all
npm run build --silent >/dev/null || exit 2
mkdir -p "$OUT"
printf 'model\tlayer\ttile\tjobs\texit\tseconds\tverdict\n' >"$OUT/summary.tsv"
status=0
for model in $MODELS; do
  for layer in $LAYERS; do
    start=$(date +%s.%N)
    node dist/src/cli/main.js cosim "test/fixtures/models/$model" --layer "$layer" --tile "$TILE" \
      --jobs "$JOBS" --out-dir "$OUT/$model/$layer" >"$OUT/$model-$layer.txt" 2>"$OUT/$model-$layer.err"
    code=$?
    end=$(date +%s.%N)
    verdict=$(head -n 1 "$OUT/$model-$layer.txt" | sed 's/.*: //')
    secs=$(echo "$end - $start" | bc)
    printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n' "$model" "$layer" "$TILE" "$JOBS" "$code" "$secs" "$verdict" | tee -a "$OUT/summary.tsv"
    [ "$code" -eq 0 ] || status=1
  done
done
exit $status

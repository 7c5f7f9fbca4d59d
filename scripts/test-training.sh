#!/usr/bin/env bash
# Runs the Python tests of training/ when PyTorch is installed (scripts/setup.sh --training);
# CI always installs it, so there the tests always run.
set -euo pipefail
cd "$(dirname "$0")/.."
if python3 -c "import torch, safetensors, pytest" >/dev/null 2>&1; then
  python3 -m pytest training/tests -q
elif [ "${CI:-}" = "true" ]; then
  echo "training tests: PyTorch missing on CI" >&2
  exit 1
else
  echo "training tests skipped: PyTorch is not installed (run: npm run setup -- --training)"
fi

#!/usr/bin/env bash
# Installs what cellspice needs on a fresh Debian/Ubuntu machine, skipping what is already there:
#   ngspice (the SPICE engine cellspice runs as a child process), chromium (for the HTML-report
#   browser test), the npm dependencies, and, with --training, the Python packages of training/.
# Safe to run again. Uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

missing=()
command -v ngspice >/dev/null 2>&1 || missing+=(ngspice)
# redis-server: the BullMQ sweep tests start their own on a free loopback port (test/sweep).
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${CELLSPICE_SKIP_BROWSER:-0}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} with apt-get"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} (macOS: brew install ngspice chromium redis)" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--training" ]; then
  if ! python3 -c "import torch, safetensors, numpy, scipy, pytest" >/dev/null 2>&1; then
    # The CPU build of PyTorch is all training/ needs. Where pip's local wheel folder holds one
    # (offline machines), pin it so that pip does not pick a newer CUDA build with gigabytes of
    # dependencies; elsewhere the registry's torch is used. No retries: an unreachable index
    # fails at once instead of after minutes of back-off.
    torch_req=()
    wheels=$(python3 -m pip config get global.find-links 2>/dev/null || true)
    cpu_wheel=$(ls "${wheels:-/nonexistent}"/torch-*+cpu-*.whl 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$cpu_wheel" ]; then
      torch_req=("torch==$(basename "$cpu_wheel" | cut -d- -f2)")
    fi
    echo "setup: pip install -r training/requirements.txt ${torch_req[*]:-}"
    python3 -m pip install -q --retries 0 --timeout 15 -r training/requirements.txt "${torch_req[@]}"
  fi
fi
echo "setup: ngspice $(ngspice -v 2>/dev/null | sed -n 's/.*ngspice-\([0-9.]*\).*/\1/p' | head -1), node $(node --version), $(redis-server --version 2>/dev/null | cut -d' ' -f1-3)"

#!/usr/bin/env bash
# Create .venv at the repository root and install newsbot with its test tools.
# torch==2.13.0 (CPU) goes in first: a plain `torch` requirement would pull a multi-GB CUDA build.
# Idempotent: does nothing when .venv is newer than pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
stamp=.venv/.newsbot-installed
if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install --quiet torch==2.13.0 numpy 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
.venv/bin/python -m pip install --quiet -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import bot.cli, index, corpus, faiss, bm25s, telegram, sentence_transformers, psycopg, psycopg_pool, onnxruntime, onnx"
touch "$stamp"

#!/usr/bin/env bash
# Install what the app needs (into .venv) and start Woonzorgatlas on http://127.0.0.1:${PORT:-8501}.
# Extra arguments are passed to `streamlit run`, e.g.: bash scripts/start.sh --server.port 8600
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash "$ROOT/scripts/setup.sh"

PORT="${PORT:-8501}"
echo "Woonzorgatlas: open http://127.0.0.1:${PORT} in your browser (Ctrl+C stops the app)."
exec "$ROOT/.venv/bin/streamlit" run app.py \
    --server.address 127.0.0.1 \
    --server.port "$PORT" \
    --server.headless true \
    --browser.gatherUsageStats false \
    "$@"

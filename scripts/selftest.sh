#!/usr/bin/env bash
# Quick start 2: install what golive needs and run its self-tests (every check proven both ways
# against real servers on loopback), then lint. This is the command CI runs.
#   bash scripts/selftest.sh [more pytest options...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check golive checks tests bench load conftest.py
.venv/bin/python -m pytest tests -n 2 --dist loadgroup -p no:cacheprovider "$@"

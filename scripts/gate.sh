#!/usr/bin/env bash
# Quick start 1: install what golive needs, run the go-live gate on a profile (default: local, the
# embedded lab), and build the single-file HTML report. Exits with the gate's status.
#   bash scripts/gate.sh [profile] [more pytest options...]
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit $?
profile="${1:-local}"; shift || true
.venv/bin/python -m pytest -m production --profile="$profile" "$@"
status=$?
.venv/bin/golive report || true
exit $status

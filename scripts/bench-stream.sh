#!/usr/bin/env bash
# Benchmarks of interaction streaming (figures go in the report, not in assertions):
#  - the synchronous core on one core (criterion: pipelines/benches/stream_core.rs);
#  - end to end through tansu + MariaDB (pipelines/benches/stream_e2e.rs): trends vs a bare
#    rdkafka consumer on the same topic in the same run, and close->MySQL p99 at 50,000 events/s.
# Usage: scripts/bench-stream.sh [core|e2e|all]   (env: STREAM_BENCH_EVENTS, _RATE, _SECONDS)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$REPO/.venv}"
export REPO VENV
what="${1:-all}"
cd "$REPO"
if [[ "$what" == core || "$what" == all ]]; then
    cargo bench -p petadota-pipelines --bench stream_core --no-run
    # taskset pins the run to one core so the figure is "events/s on one core".
    taskset -c 0 cargo bench -p petadota-pipelines --bench stream_core -- --noplot
fi
if [[ "$what" == e2e || "$what" == all ]]; then
    # shellcheck source=setup.d/30-tansu.sh
    source "$REPO/scripts/setup.d/30-tansu.sh"
    cargo bench -p petadota-pipelines --bench stream_e2e
fi

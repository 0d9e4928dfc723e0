# shellcheck shell=bash
# Sourced by scripts/test (set -euo pipefail active, $REPO and $VENV set).
#
# Installs tansu (an Apache Kafka-compatible broker from crates.io) and starts it on
# 127.0.0.1 with in-memory storage for the interaction-streaming end-to-end test and
# benchmark. Exports PETADOTA_TANSU_BROKERS, which gates those; `cargo test` without it
# stays hermetic (it uses librdkafka's mock cluster).
#
# Timing: the first `cargo install` of tansu takes 15-30 minutes on a 2-core machine
# (measured 26 min while other builds ran); afterwards `command -v tansu` short-cuts it.
# Set PETADOTA_SKIP_TANSU=1 to skip the install and the e2e test (e.g. on a cold CI
# machine that must stay under its time budget).

if [[ "${PETADOTA_SKIP_TANSU:-0}" == "1" ]]; then
    echo "30-tansu: PETADOTA_SKIP_TANSU=1, not installing or starting tansu" >&2
    unset PETADOTA_TANSU_BROKERS
else
    tansu_port="${PETADOTA_TANSU_PORT:-19092}"
    tansu_log="${REPO}/target/tansu.log"
    mkdir -p "${REPO}/target"

    if ! command -v tansu >/dev/null 2>&1; then
        echo "30-tansu: installing tansu (first time only, 15-30 min)" >&2
        # dynostore: without it tansu refuses the memory:// storage engine.
        cargo install --locked tansu --features dynostore >&2
    fi

    tansu_answers() {
        (exec 3<>"/dev/tcp/127.0.0.1/${tansu_port}") 2>/dev/null
    }

    if tansu_answers; then
        echo "30-tansu: a broker already answers on 127.0.0.1:${tansu_port}" >&2
    else
        echo "30-tansu: starting tansu on 127.0.0.1:${tansu_port} (log: ${tansu_log})" >&2
        nohup tansu broker \
            --listener-url "tcp://127.0.0.1:${tansu_port}" \
            --advertised-listener-url "tcp://127.0.0.1:${tansu_port}" \
            --storage-engine memory://tansu/ >"${tansu_log}" 2>&1 &
        for _ in $(seq 1 60); do
            tansu_answers && break
            sleep 0.5
        done
        if ! tansu_answers; then
            echo "30-tansu: tansu did not answer within 30 s; see ${tansu_log}" >&2
            tail -n 20 "${tansu_log}" >&2 || true
            return 1 2>/dev/null || exit 1
        fi
    fi
    export PETADOTA_TANSU_BROKERS="127.0.0.1:${tansu_port}"
    unset -f tansu_answers
fi

# Starts gcp-storage-emulator (from scripts/requirements-ingest.txt) in memory on 127.0.0.1 for
# the ingest pipeline's GCS tests, and exports PETADOTA_TEST_GCS_ENDPOINT. Sourced by
# scripts/test with $REPO and $VENV set; idempotent: reuses an emulator that still answers.

_gcs_state="${REPO}/target/gcs-emulator"
mkdir -p "${_gcs_state}"

_gcs_answers() {
    # Any HTTP answer (the emulator returns 404 for an unknown bucket) means it is up.
    curl -s -o /dev/null -m 2 "http://127.0.0.1:$1/storage/v1/b" 2>/dev/null
}

if [[ -f "${_gcs_state}/port" ]] && _gcs_answers "$(cat "${_gcs_state}/port")"; then
    PETADOTA_TEST_GCS_ENDPOINT="http://127.0.0.1:$(cat "${_gcs_state}/port")"
else
    if [[ ! -x "${VENV}/bin/gcp-storage-emulator" ]]; then
        "${VENV}/bin/pip" install -q -r "${REPO}/scripts/requirements-ingest.txt"
    fi
    _gcs_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    nohup "${VENV}/bin/gcp-storage-emulator" start --host=127.0.0.1 --port="${_gcs_port}" \
        --in-memory --quiet >"${_gcs_state}/log" 2>&1 &
    echo "$!" >"${_gcs_state}/pid"
    for _ in $(seq 1 100); do
        _gcs_answers "${_gcs_port}" && break
        sleep 0.1
    done
    if ! _gcs_answers "${_gcs_port}"; then
        echo "gcp-storage-emulator did not answer on 127.0.0.1:${_gcs_port}; log:" >&2
        cat "${_gcs_state}/log" >&2
        return 1
    fi
    echo "${_gcs_port}" >"${_gcs_state}/port"
    PETADOTA_TEST_GCS_ENDPOINT="http://127.0.0.1:${_gcs_port}"
fi
export PETADOTA_TEST_GCS_ENDPOINT
echo "gcs emulator: ${PETADOTA_TEST_GCS_ENDPOINT}"
unset -f _gcs_answers
unset _gcs_state _gcs_port

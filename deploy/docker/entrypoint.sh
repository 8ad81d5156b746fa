#!/bin/sh
# The image's entry point: tandem-entrypoint ROLE [SERVICE] [OPTIONS...]
#
#   api SERVICE       the service's API under gunicorn on PORT (default: the service's port,
#                     intake 8001, matching 8002, scheduling 8003, notify 8004) with
#                     WEB_CONCURRENCY processes (default 2)
#   web               the web front (the applicants' pages) under gunicorn on PORT (default
#                     8000) with WEB_CONCURRENCY processes; TANDEM_<SERVICE>_URL name the APIs
#   worker SERVICE    the service's worker; its /metrics on METRICS_PORT (default 9100)
#   migrate [SERVICE] bring one service's database (or all four) to the newest schema
#   tandem ARGS...    any other tandem command (dlq, tenant create, token, ...)
set -eu

health_file="${TANDEM_HEALTH_FILE:-/tmp/tandem-health-url}"

usage() {
    sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
}

service_port() {
    # The service's default port, from the code (and an unknown service is refused here).
    python -c 'import sys; from services.shared.config import DEFAULT_PORTS as p; print(p[sys.argv[1]])' "$1" 2>/dev/null \
        || { echo "unknown service: $1 (intake, matching, scheduling, notify)" >&2; exit 64; }
}

role="${1:-help}"
[ "$#" -gt 0 ] && shift

case "$role" in
    api)
        service="${1:?usage: api SERVICE}"; shift
        port="${PORT:-$(service_port "$service")}"
        export TANDEM_SERVICE="$service"
        if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
            # gunicorn's processes share their metrics through this directory; start it empty
            mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
            rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
        fi
        printf 'http://127.0.0.1:%s/healthz\n' "$port" > "$health_file"
        exec tandem api "$service" --port "$port" --workers "${WEB_CONCURRENCY:-2}" "$@"
        ;;
    web)
        port="${PORT:-8000}"
        export TANDEM_SERVICE=web
        if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
            mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
            rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
        fi
        printf 'http://127.0.0.1:%s/healthz\n' "$port" > "$health_file"
        exec tandem web --port "$port" --workers "${WEB_CONCURRENCY:-2}" "$@"
        ;;
    worker)
        service="${1:?usage: worker SERVICE}"; shift
        service_port "$service" > /dev/null
        export TANDEM_SERVICE="$service"
        export METRICS_PORT="${METRICS_PORT:-9100}"
        printf 'http://127.0.0.1:%s/metrics\n' "$METRICS_PORT" > "$health_file"
        exec tandem worker "$service" "$@"
        ;;
    migrate)
        : > "$health_file"
        exec tandem migrate "$@"
        ;;
    tandem)
        : > "$health_file"
        exec tandem "$@"
        ;;
    help|-h|--help)
        usage
        ;;
    *)
        echo "unknown role: $role" >&2
        usage
        exit 64
        ;;
esac

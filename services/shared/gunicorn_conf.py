"""Gunicorn settings for every service's API: JSON access logs off (the app logs), metrics per worker."""

import os

from services.shared import logs

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
accesslog = None
# no control socket: every service would open the same $HOME/.gunicorn/gunicorn.ctl (and nothing uses it)
control_socket_disable = True


def on_starting(server):
    logs.configure(os.environ.get("TANDEM_SERVICE"))


def child_exit(server, worker):
    # prometheus-client multiprocess mode: forget the live gauges of a dead worker
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

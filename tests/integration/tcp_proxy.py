"""A small TCP proxy the tests can shut and reopen, to make the broker unreachable for one client.

``shut()`` closes the listening socket (new connections are refused by the kernel) and cuts every
live connection on both sides; ``reopen()`` listens again on the same port. The real broker is
never touched.
"""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.host = host
        self.port = 0  # ephemeral until the first open()
        self.accepted = 0  # connections forwarded since the proxy was created
        self._lock = threading.Lock()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None

    # -- state -----------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._listener is not None

    @property
    def live_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def open(self) -> TcpProxy:
        if self._listener is not None:
            return self
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The cut connections leave TIME_WAIT entries on our port; SO_REUSEADDR lets us rebind it.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accept_thread = threading.Thread(
            target=self._accept_loop, args=(listener,), name=f"tcp-proxy-{self.port}", daemon=True
        )
        self._accept_thread.start()
        return self

    reopen = open

    def shut(self) -> None:
        """Refuse new connections and cut the live ones (both the client and the upstream side)."""
        listener, self._listener = self._listener, None
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=5)  # it notices within its 0.1 s accept timeout
            self._accept_thread = None
        if listener is not None:
            _close(listener)  # connections still in the backlog are reset
        with self._lock:
            pairs = list(self._pairs)
            self._pairs.clear()
        for client, upstream in pairs:
            _close(client)
            _close(upstream)

    close = shut

    # -- forwarding ------------------------------------------------------------------------------

    def _accept_loop(self, listener: socket.socket) -> None:
        listener.settimeout(0.1)
        while self._listener is listener:
            try:
                client, _addr = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, upstream)
            with self._lock:
                if self._listener is not listener:  # shut while we were connecting upstream
                    _close(client)
                    _close(upstream)
                    return
                self._pairs.add(pair)
                self.accepted += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst, pair), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, pair) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._pairs.discard(pair)
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass

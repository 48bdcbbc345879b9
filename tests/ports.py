"""Ports for the servers tests start: chosen by the operating system, so parallel test workers
(xdist) and other checkouts on the same machine never pick the same one."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

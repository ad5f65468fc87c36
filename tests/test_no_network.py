"""The test suite blocks the network (tests/conftest.py)."""

from __future__ import annotations

import socket

import pytest


def test_outbound_connections_are_blocked() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OSError, match="network access in a test"),
    ):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed

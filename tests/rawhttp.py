"""Raw HTTP over a socket, for clients that misbehave on purpose.

Every read has a generous timeout that only guards against a hung test; the
tests assert on what arrives (a response, a closed connection), never on how
soon.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

#: How long a read may wait before the test fails (a guard, not a bound).
GUARD_SECONDS = 30.0


def connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    assert parts.hostname is not None
    assert parts.port is not None
    sock = socket.create_connection((parts.hostname, parts.port), GUARD_SECONDS)
    sock.settimeout(GUARD_SECONDS)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def read_response(sock: socket.socket) -> bytes:
    """One response whose body has a Content-Length (head and body)."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole response: {received!r}"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed in the middle of a body"
        body += chunk
    return head + b"\r\n\r\n" + body


def get(path: str, *, keep_alive: bool = True) -> bytes:
    connection = b"keep-alive" if keep_alive else b"close"
    return b"GET %s HTTP/1.1\r\nHost: t\r\nConnection: %s\r\n\r\n" % (
        path.encode(),
        connection,
    )

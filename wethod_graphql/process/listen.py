"""The listening socket: a port checked as an argument, bound before serving."""

from __future__ import annotations

import argparse
import socket

#: Port 0 asks the system for a free port (tests, scripts).
MAX_PORT = 65535


class ListenError(Exception):
    """The address cannot be listened on; the message says which and why."""


def port_number(raw: str) -> int:
    """An `argparse` type: a TCP port, 0 to 65535 (0 picks a free one)."""
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0 to {MAX_PORT})")
    return port


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to `host`'s first address and `port`, not yet listening.

    Raises `ListenError` for a host that does not resolve or an address that
    is taken or not ours, instead of letting uvicorn log it and exit from
    inside its event loop.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        raise ListenError(f"cannot listen on {host}:{port}: {_reason(error)}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {_reason(error)}") from None
    sock.set_inheritable(True)  # worker processes inherit it
    return sock


def base_url(sock: socket.socket) -> str:
    """`http://host:port` of a bound socket, IPv6 hosts in brackets."""
    host, port = sock.getsockname()[:2]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}"


def _reason(error: BaseException) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return reason[0].lower() + reason[1:] if reason else type(error).__name__

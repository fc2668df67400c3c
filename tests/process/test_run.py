"""The listening socket and the serving loop, in this process."""

from __future__ import annotations

import argparse
import os
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import uvicorn
from starlette.applications import Starlette
from uvicorn.config import STARTUP_FAILURE

from tests.servers import HOST
from wethod_graphql.process import listen, run


@pytest.mark.parametrize(("raw", "port"), [("0", 0), ("8000", 8000), ("65535", 65535)])
def test_ports_in_range_are_taken(raw: str, port: int) -> None:
    assert listen.port_number(raw) == port


@pytest.mark.parametrize("raw", ["-1", "65536", "99999", "eighty", "8.0"])
def test_other_ports_are_refused(raw: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        listen.port_number(raw)


def test_a_taken_address_is_one_message() -> None:
    with socket.socket() as other:
        other.bind((HOST, 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(listen.ListenError) as caught:
            listen.bind(HOST, port)
    assert (
        str(caught.value) == f"cannot listen on {HOST}:{port}: address already in use"
    )


def test_a_host_that_does_not_resolve_is_one_message() -> None:
    with pytest.raises(listen.ListenError, match=r"^cannot listen on 300\.1\.1\.1:0: "):
        listen.bind("300.1.1.1", 0)


def test_base_url_brackets_ipv6() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        sock = listen.bind("::1", 0)
    except listen.ListenError:
        pytest.skip("no IPv6 loopback")
    with sock:
        assert listen.base_url(sock).startswith("http://[::1]:")


def test_sigterm_stops_serving_with_status_0_and_the_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    sock = listen.bind(HOST, 0)
    url = listen.base_url(sock)
    config = uvicorn.Config(Starlette(), log_config=None, lifespan="off")
    started: list[str] = []

    def on_started() -> None:
        started.append(listen.base_url(sock))
        os.kill(os.getpid(), signal.SIGTERM)  # a stop, as a supervisor asks

    assert run.serve(config, sock, on_started) == 0
    assert started == [url]
    assert sock.fileno() == -1  # closed
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigterm_outside_serving_interrupts_like_ctrl_c() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with run.sigterm_interrupts(), pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before


@asynccontextmanager
async def _broken(app: Starlette) -> AsyncIterator[None]:
    raise RuntimeError("cannot start")
    yield  # pragma: no cover


def test_a_failed_lifespan_is_uvicorns_startup_failure() -> None:
    config = uvicorn.Config(Starlette(lifespan=_broken), log_config=None)
    sock = listen.bind(HOST, 0)
    assert run.serve(config, sock) == STARTUP_FAILURE
    assert sock.fileno() == -1  # closed

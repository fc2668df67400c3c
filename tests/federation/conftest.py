"""Fixtures for the federation proof: real Node tooling around the live service.

Session: `node`/`npm` located (skip without them, fail under CI=true) and
`node_modules` installed with `npm ci` when no complete install is there.
Module: the demo API, the service over it under uvicorn on loopback, the
projects subgraph, the composed supergraph and an Apollo Gateway over both.
Every child process has its stdout piped (only its first line is read, with a
timeout), its stderr in a file, and is terminated in teardown.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.conftest import fast_settings
from tests.servers import run_in_thread, unavailable
from wethod_graphql.demo import DemoApi
from wethod_graphql.server.app import create_app

FEDERATION_DIR = Path(__file__).resolve().parent
NODE_MODULES = FEDERATION_DIR / "node_modules"
HIDDEN_LOCK = NODE_MODULES / ".package-lock.json"
NPM_TIMEOUT = 300
MIN_NODE = 20

#: The projects subgraph's client ids: project N points at ids[(N - 1) % 10].
#: 7 and 14 are deleted; 1, 3, 4, 14 have identifiers (4 and 14 a deleted
#: one); 2, 7, 60 have none; 12 and 33 are foreign; 45 is all null but `id`.
CLIENT_IDS = (4, 7, 1, 45, 14, 2, 33, 12, 3, 60)

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
_LISTENING = re.compile(r"^listening (http://127\.0\.0\.1:\d+/graphql)$")


@dataclass(frozen=True)
class NodeTools:
    node: str
    npm: str


def child_env() -> dict[str, str]:
    """The environment for Node children: loopback never goes through a proxy."""
    env = dict(os.environ)
    loopback = "127.0.0.1,localhost"
    for name in ("NO_PROXY", "no_proxy"):
        env[name] = f"{env[name]},{loopback}" if env.get(name) else loopback
    return env


def _tail(path: Path, limit: int = 3000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no stderr file)"
    return text[-limit:] or "(stderr empty)"


@pytest.fixture(scope="session")
def node_tools() -> NodeTools:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable("node and npm are needed for the federation tests")
    version = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [node, "--version"], capture_output=True, text=True, timeout=10, check=False
    ).stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if major is None or int(major.group(1)) < MIN_NODE:
        unavailable(f"Node {MIN_NODE} or later is needed, found {version or '?'}")
    return NodeTools(node=node, npm=npm)


def npm_ci(npm: str, directory: Path, log: Path) -> None:
    """`npm ci` in `directory`, its output in `log`; fails the test on error."""
    with log.open("wb") as out:
        try:
            done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=directory,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=child_env(),
                timeout=NPM_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"npm ci took over {NPM_TIMEOUT} s:\n{_tail(log)}", pytrace=False
            )
    if done.returncode != 0:
        pytest.fail(f"npm ci failed ({done.returncode}):\n{_tail(log)}", pytrace=False)


@pytest.fixture(scope="session")
def node_modules(
    node_tools: NodeTools, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """`tests/federation/node_modules`, installed by `npm ci` when missing."""
    # npm writes its hidden lock file last: without it the install is partial.
    if not HIDDEN_LOCK.is_file():
        log = tmp_path_factory.mktemp("npm") / "npm-ci.log"
        npm_ci(node_tools.npm, FEDERATION_DIR, log)
    return NODE_MODULES


@dataclass
class Child:
    """A running child process that announced its URL on its first stdout line."""

    name: str
    process: subprocess.Popen[bytes]
    stderr_path: Path
    url: str = ""

    def stderr(self) -> str:
        return _tail(self.stderr_path)


def _first_line(process: subprocess.Popen[bytes], timeout: float) -> str | None:
    """The first stdout line ("" at end of file), or None after `timeout` s."""
    assert process.stdout is not None
    lines: queue.Queue[bytes] = queue.Queue(maxsize=1)
    stdout = process.stdout

    def read() -> None:
        # The pipe may be closed under us once the process is stopped.
        try:
            line = stdout.readline()
        except (OSError, ValueError):
            line = b""
        lines.put_nowait(line)

    reader = threading.Thread(target=read, name="first-line", daemon=True)
    reader.start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        return None
    return line.decode(errors="replace").strip()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if need be; always reap it and close its pipes."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)
    if process.stdout is not None:
        process.stdout.close()


def start_child(
    name: str, argv: Sequence[str], workdir: Path, timeout: float = STARTUP_TIMEOUT
) -> Iterator[Child]:
    """Start `argv`, wait for `listening URL` on stdout, yield, and stop it."""
    stderr_path = workdir / f"{name}.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
            list(argv),
            cwd=FEDERATION_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=child_env(),
        )
    child = Child(name, process, stderr_path)
    try:
        line = _first_line(process, timeout)
        match = _LISTENING.match(line or "")
        if match is None:
            stop(process)
            if line is None:
                why = f"announced no URL within {timeout} s"
            elif line == "":
                why = f"exited ({process.returncode}) before announcing its URL"
            else:
                why = f"printed {line!r} instead of 'listening URL'"
            pytest.fail(f"{name} {why}; stderr:\n{child.stderr()}", pytrace=False)
        child.url = match.group(1)
        yield child
    finally:
        stop(process)


class BodyRecorder:
    """ASGI middleware keeping the JSON bodies POSTed to the service."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self.bodies.append(b"".join(chunks))
            return message

        await self.app(scope, recording_receive, send)


@dataclass
class LiveService:
    """The service under uvicorn, its demo API and what the gateway sent it."""

    url: str
    demo: DemoApi
    recorder: BodyRecorder


@pytest.fixture(scope="module")
def live_service() -> Iterator[LiveService]:
    demo = DemoApi(faults=True)
    with run_in_thread(demo.app) as demo_url:
        app = create_app(fast_settings(base_url=demo_url))
        recorder = BodyRecorder(app)
        with run_in_thread(recorder) as base:
            yield LiveService(url=f"{base}/graphql", demo=demo, recorder=recorder)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("federation")


@pytest.fixture(scope="module")
def projects(
    node_tools: NodeTools, node_modules: Path, workdir: Path
) -> Iterator[Child]:
    argv = [
        node_tools.node,
        "projects-subgraph.mjs",
        "--port",
        "0",
        "--client-ids",
        ",".join(map(str, CLIENT_IDS)),
    ]
    yield from start_child("projects", argv, workdir)


def wethod_graphql_command() -> list[str]:
    """The `wethod-graphql` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "wethod-graphql"
    if script.is_file():
        return [str(script)]
    found = shutil.which("wethod-graphql")
    return [found] if found else [sys.executable, "-m", "wethod_graphql"]


@pytest.fixture(scope="module")
def printed_sdl(workdir: Path) -> Path:
    """`wethod-graphql schema`, run as a command, saved to a file."""
    done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [*wethod_graphql_command(), "schema"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stderr == b""
    path = workdir / "clients.graphql"
    path.write_bytes(done.stdout)
    return path


@dataclass(frozen=True)
class Composition:
    returncode: int
    stdout: str
    stderr: str
    supergraph: Path


def compose(node_tools: NodeTools, subgraphs: Sequence[str], out: Path) -> Composition:
    """Run `compose.mjs --out FILE SUBGRAPH...` and collect what it says."""
    done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [node_tools.node, "compose.mjs", "--out", str(out), *subgraphs],
        cwd=FEDERATION_DIR,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=child_env(),
        timeout=60,
        check=False,
    )
    return Composition(
        done.returncode,
        done.stdout.decode(errors="replace"),
        done.stderr.decode(errors="replace"),
        out,
    )


@pytest.fixture(scope="module")
def composition(
    node_tools: NodeTools,
    node_modules: Path,
    printed_sdl: Path,
    live_service: LiveService,
    projects: Child,
    workdir: Path,
) -> Composition:
    """Our printed SDL and the live projects subgraph's, routed to the live URLs."""
    return compose(
        node_tools,
        [f"clients={live_service.url}={printed_sdl}", f"projects={projects.url}"],
        workdir / "supergraph.graphql",
    )


@pytest.fixture(scope="module")
def gateway(
    node_tools: NodeTools, composition: Composition, workdir: Path
) -> Iterator[Child]:
    if composition.returncode != 0:
        pytest.fail(
            f"composition failed ({composition.returncode}):\n{composition.stderr}",
            pytrace=False,
        )
    argv = [
        node_tools.node,
        "gateway.mjs",
        "--supergraph",
        str(composition.supergraph),
        "--port",
        "0",
    ]
    yield from start_child("gateway", argv, workdir)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """A plain client: no proxy from the environment, generous timeout."""
    with httpx.Client(trust_env=False, timeout=20.0) as client:
        yield client

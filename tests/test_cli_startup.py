"""What the commands say as they start, and what `--help` shows."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import Secret

from tests.servers import clean_environ, run_command, run_in_thread
from wethod_graphql.cli import main
from wethod_graphql.config import Settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.demo.auth import TOKENS
from wethod_graphql.startup import log_startup_line, startup_line, warn_about_ignored

ROOT = Path(__file__).parents[1]
COMMAND = [sys.executable, "-m", "wethod_graphql"]


def _serve_stderr(tmp_path: Path, args: list[str], env: dict[str, str]) -> str:
    """What `serve` logged up to its URL line (it prints that once started)."""
    log = tmp_path / "err.log"
    with run_command([*COMMAND, "serve", "--port", "0", *args], log, env=env):
        pass
    return log.read_text()


def test_serve_names_upstream_credentials_workers_and_graphiql_files(
    tmp_path: Path,
) -> None:
    with run_in_thread(DemoApi().app) as demo_url:
        logged = _serve_stderr(tmp_path, ["--upstream", demo_url], clean_environ())
    (line,) = [line for line in logged.splitlines() if "wethod-graphql 0." in line]
    assert f"upstream {demo_url};" in line
    assert "credentials: WETHOD_TOKEN and WETHOD_COMPANY unset" in line
    assert "each request must carry Authorization and Wethod-Company" in line
    assert "1 worker;" in line
    assert line.endswith("GraphiQL files: bundled")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            Settings(token=Secret("t"), company="acme", workers=2),
            "credentials: WETHOD_TOKEN and WETHOD_COMPANY configured; 2 workers;",
        ),
        (
            Settings(token=Secret("t")),
            "credentials: WETHOD_COMPANY unset, so each request must carry "
            "Wethod-Company; 1 worker;",
        ),
        (
            Settings(graphiql_assets_url="https://static.example/g"),
            "GraphiQL files: https://static.example/g",
        ),
        (Settings(graphiql_assets_dir=Path("/srv/g")), "GraphiQL files: /srv/g"),
        (Settings(graphiql=False), "; GraphiQL off"),
    ],
)
def test_the_startup_line_says_what_is_configured(
    settings: Settings, expected: str
) -> None:
    assert expected in startup_line(settings)


def test_the_startup_line_never_shows_the_token() -> None:
    line = startup_line(Settings(token=Secret("s3cr3t-token"), company="acme"))
    assert "s3cr3t-token" not in line


def test_a_misspelt_variable_is_a_warning_naming_the_right_one(tmp_path: Path) -> None:
    env = {**clean_environ(), "WETHOD_MAX_ID": "5", "WETHOD_NOTHING_LIKE": "1"}
    logged = _serve_stderr(tmp_path, ["--demo"], env)
    assert (
        "WARNING wethod_graphql.startup [-] WETHOD_MAX_ID is not a setting and is "
        "ignored (did you mean WETHOD_MAX_IDS?)." in logged
    )
    assert "WETHOD_NOTHING_LIKE is not a setting and is ignored." in logged


def test_demo_warns_about_what_it_overrides(tmp_path: Path) -> None:
    env = {**clean_environ(), "WETHOD_TOKEN": "mine"}
    logged = _serve_stderr(tmp_path, ["--demo", "--upstream", "http://x.test"], env)
    assert "--demo ignores --upstream, WETHOD_TOKEN: it serves the embedded demo" in (
        logged
    )
    assert "mine" not in logged


def test_serve_without_demo_warns_about_nothing_it_reads(tmp_path: Path) -> None:
    env = {**clean_environ(), "WETHOD_TOKEN": "mine", "WETHOD_COMPANY": "acme"}
    with run_in_thread(DemoApi().app) as demo_url:
        logged = _serve_stderr(tmp_path, ["--upstream", demo_url], env)
    assert "WARNING" not in logged


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # unwrapped


def test_serve_help_shows_each_default(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(["serve", "--help"], capsys)
    defaults = Settings.defaults_in_words()
    for name, env in Settings.variables().items():
        if name in ("token", "redis_url"):  # no flag: command lines are visible
            continue
        assert f"overrides {env} (default: {defaults[name]})" in text
    assert "--host HOST default: 127.0.0.1" in text
    assert "--port PORT default: 8000" in text
    assert "overrides WETHOD_MAX_IDS (default: 100)" in text
    assert "overrides WETHOD_GRAPHIQL (default: true)" in text
    assert "--token" not in text
    assert "--redis-url" not in text


def test_demo_api_help_lists_its_credentials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _help(["demo-api", "--help"], capsys)
    for token, grant in TOKENS.items():
        assert re.search(
            rf"Authorization: Bearer {token} Wethod-Company: {grant.company} \(", text
        )
    assert "Wethod-Version" in text
    assert "--port PORT default: 8081" in text


def _readme_curl() -> list[str]:
    """The README's demo-api curl line, as arguments."""
    readme = (ROOT / "README.md").read_text("utf-8")
    (line,) = re.findall(r"^curl .*localhost:8081/api/.*$", readme, flags=re.MULTILINE)
    return shlex.split(line)


def test_demo_api_prints_how_to_call_it_and_logs_requests(tmp_path: Path) -> None:
    log = tmp_path / "err.log"
    command = [*COMMAND, "demo-api", "--port", "0"]
    with run_command(command, log, url_suffix="/api") as running:
        stdout = running.process.stdout
        assert stdout is not None
        # After its URL: the credentials' heading, one line each, a try.
        banner = [stdout.readline().decode() for _ in range(len(TOKENS) + 2)]
        args = _readme_curl()
        headers = dict(
            args[i + 1].split(": ", 1) for i, a in enumerate(args) if a == "-H"
        )
        url = args[-1].replace("http://localhost:8081", running.url)
        response = httpx.get(url, headers=headers)
        access_line = stdout.readline().decode()  # uvicorn's access log
    assert response.status_code == 200
    assert response.json()["corporate_name"] == "Rossi Arredamenti S.r.l."
    for token, grant in TOKENS.items():
        assert any(
            f"Bearer {token}" in line and f"Wethod-Company: {grant.company}" in line
            for line in banner
        )
    assert banner[-1].startswith("try: curl -H 'Authorization: Bearer demo-token'")
    assert f'"GET {url.removeprefix(running.url)} HTTP/1.1" 200' in access_line


def test_warnings_name_what_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    environ = {"WETHOD_TIMOUT": "3", "WETHOD_COMPANY": "acme", "WETHOD_TOKEN": "t"}
    with caplog.at_level("WARNING", logger="wethod_graphql.startup"):
        warn_about_ignored(environ, None)
        outside_demo = list(caplog.messages)
        caplog.clear()
        warn_about_ignored({"WETHOD_COMPANY": "acme"}, ["--upstream"])
        under_demo = list(caplog.messages)
        caplog.clear()
        warn_about_ignored({}, [])
    assert outside_demo == [
        "WETHOD_TIMOUT is not a setting and is ignored (did you mean WETHOD_TIMEOUT?)."
    ]
    assert under_demo == [
        "--demo ignores --upstream, WETHOD_COMPANY: it serves the embedded demo API "
        "with its own credentials."
    ]
    assert caplog.messages == []


def test_the_startup_line_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="wethod_graphql.startup"):
        log_startup_line(Settings(base_url="http://up.test", demo=True))
    (message,) = caplog.messages
    assert "upstream http://up.test (the embedded demo API);" in message

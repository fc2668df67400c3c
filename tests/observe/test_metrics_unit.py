"""The metrics directory of `serve --workers`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from wethod_graphql.observe.metrics import (
    MULTIPROCESS_ENV,
    forget_dead_workers,
    multiprocess_directory,
)


def test_a_temporary_directory_is_made_and_removed() -> None:
    environ: dict[str, str] = {}
    with multiprocess_directory(environ) as directory:
        assert environ[MULTIPROCESS_ENV] == directory
        assert Path(directory).is_dir()
    assert not Path(directory).exists()
    assert MULTIPROCESS_ENV not in environ


def test_the_operators_directory_is_kept_but_emptied_of_old_values(
    tmp_path: Path,
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("not ours")
    environ = {MULTIPROCESS_ENV: str(tmp_path)}
    with multiprocess_directory(environ) as directory:
        assert directory == str(tmp_path)
        assert not (tmp_path / "counter_123.db").exists()
    assert (tmp_path / "notes.txt").exists()
    assert environ == {MULTIPROCESS_ENV: str(tmp_path)}


def test_a_scrape_forgets_the_live_gauges_of_dead_processes_only(
    tmp_path: Path,
) -> None:
    exited = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        check=True,
    )
    dead = int(exited.stdout)  # exited and reaped
    # Ours, our parent's, and init's (another user's, unless we are root).
    alive = [os.getpid(), os.getppid(), 1]
    files = [
        *(f"gauge_livesum_{pid}.db" for pid in [dead, *alive]),
        f"gauge_liveall_{dead}.db",
        f"counter_{dead}.db",  # what a dead worker counted still counts
        f"gauge_all_{dead}.db",  # not a live gauge: prometheus-client keeps it
    ]
    for name in files:
        (tmp_path / name).write_bytes(b"")
    forget_dead_workers(str(tmp_path))
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [
            *(f"gauge_livesum_{pid}.db" for pid in alive),
            f"counter_{dead}.db",
            f"gauge_all_{dead}.db",
        ]
    )

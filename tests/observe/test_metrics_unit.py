"""The metrics directory of `serve --workers`."""

from __future__ import annotations

from pathlib import Path

from wethod_graphql.observe.metrics import MULTIPROCESS_ENV, multiprocess_directory


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

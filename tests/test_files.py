"""Files: odd paths, full disks and read-only databases are one line and exit 2, never a traceback."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from directory import maintenance
from directory.db import Database, DatabaseError

ROOT = Path(__file__).resolve().parent.parent


def env_for(db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_", "BACKUP_"))}
    env["WIEGO_DB"] = str(db_path)
    return env


def main_py(args: list[str], db_path: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env_for(db_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=db_path.parent,
        **kwargs,
    )


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def make_db(path: Path, users: int = 3) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, first_seen TEXT, last_seen TEXT)")
    conn.executemany("INSERT INTO users VALUES (?, 'a', 'a')", [(i,) for i in range(users)])
    conn.commit()
    conn.close()


@pytest.mark.parametrize("name", ["odd?name.sqlite3", "odd#name.sqlite3", "a?mode=rw&b#c.sqlite3", "x%3F.sqlite3"])
def test_backup_and_check_use_the_file_named(tmp_path: Path, name: str) -> None:
    """`?` and `#` are part of the name, not a URI query: the copy holds the rows."""
    path = tmp_path / name
    make_db(path, users=7)
    target = maintenance.backup(path, tmp_path / "copy.sqlite3")
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 7
    conn.close()
    assert maintenance.check(path).ok
    (tmp_path / "garbage.sqlite3").write_bytes(b"\x01not a database" * 300)
    assert not maintenance.check(tmp_path / "garbage.sqlite3").ok


async def test_the_bot_opens_a_database_whose_name_has_a_question_mark(tmp_path: Path) -> None:
    path = tmp_path / "wiego?x=1#y.sqlite3"
    db = await Database.open(path)
    await db.close()
    assert path.exists() and not (tmp_path / "wiego").exists()


def test_db_backup_with_odd_path_copies_the_right_file(tmp_path: Path) -> None:
    path = tmp_path / "live?x.sqlite3"
    assert main_py(["db", "migrate"], path).returncode == 0
    copy = tmp_path / "copy.sqlite3"
    result = main_py(["db", "backup", str(copy)], path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0
    conn.close()


def _small_files(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_backup_on_a_full_disk_is_one_line_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """A file size limit makes every write past 64 KiB fail, as a full disk does."""
    path = tmp_path / "big.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, first_seen TEXT, last_seen TEXT)")
    conn.executemany("INSERT INTO users VALUES (?, ?, 'a')", [(i, "x" * 200) for i in range(3000)])
    conn.commit()
    conn.close()
    out = tmp_path / "out"
    out.mkdir()
    result = main_py(["db", "backup", str(out / "copy.sqlite3")], path, preexec_fn=_small_files(64 * 1024))
    line = one_clear_line(result)
    assert "backup of" in line and "failed" in line
    assert list(out.iterdir()) == []


def test_backup_into_a_folder_as_a_target_file_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    make_db(path)
    with pytest.raises(maintenance.BackupError):
        maintenance.backup(path, tmp_path / "no" / "such" / "dir" / "copy.sqlite3")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="wiego-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _drop_root_file_powers() -> None:
    """In the child, before exec: root without CAP_DAC_OVERRIDE obeys file modes like anyone."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for cap in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def _as_ordinary_user() -> dict[str, object]:
    return {"preexec_fn": _drop_root_file_powers} if os.geteuid() == 0 else {}


@pytest.mark.parametrize("what", ["file", "folder"])
def test_starting_on_a_read_only_database_is_one_line(shared_dir: Path, what: str) -> None:
    """As a user who may read but not write the file (or its folder), as an operator would.

    Under root, the child drops the capability to ignore file modes, so the modes apply.
    """
    path = shared_dir / "ro.sqlite3"
    assert main_py(["db", "migrate"], path).returncode == 0
    for leftover in shared_dir.glob("ro.sqlite3-*"):
        leftover.unlink()
    path.chmod(0o444 if what == "file" else 0o644)
    if what == "folder":
        shared_dir.chmod(0o555)
    try:
        for args in (["ask", "hello"], ["db", "migrate"]):
            line = one_clear_line(main_py(args, path, **_as_ordinary_user()))
            assert "read-only" in line
        check = main_py(["db", "check"], path, **_as_ordinary_user())
        assert check.returncode == 0 and "Traceback" not in check.stderr  # checking only reads
    finally:
        shared_dir.chmod(0o755)


async def test_read_only_open_is_a_database_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.sqlite3"
    make_db(path)
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    with pytest.raises(DatabaseError, match="read-only"):
        await Database.open(path)

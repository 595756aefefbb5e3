"""Data built from the bundled files, kept between processes so each start does not rebuild it.

Parsing the language files, building the gazetteer's indexes (CLDR names in four languages, a
few thousand cities) and inflating the classifier's weights took about 0.4 s at every start of
`main.py`, before any work. The built objects are pickled under the user's cache folder, named
by a fingerprint of the `directory` package's files (path, size and modification time of every
module and data file), of Babel's version and of Python's: any change to the code or the data
builds afresh, and a stale file is never read. Without a folder that can be written
(`WIEGO_CACHE_DIR=off`, a read-only home), everything is built in memory as before.

Only this process's user writes the folder (created 0700), as with any per-user cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
OFF = frozenset({"", "0", "off", "no", "false"})


def cache_dir() -> Path | None:
    """`WIEGO_CACHE_DIR`, else `$XDG_CACHE_HOME/wiego-bot`, else `~/.cache/wiego-bot`; None
    when turned off."""
    chosen = os.environ.get("WIEGO_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "wiego-bot"


@cache
def fingerprint() -> str:
    """Changes whenever a module or data file of `directory` changes, or Babel or Python.

    A plain `os.scandir` walk that never enters `__pycache__`: `Path.rglob` took 15 ms of
    each start."""
    import babel

    digest = hashlib.blake2b(digest_size=10)
    digest.update(f"{sys.version}|{babel.__version__}|{pickle.HIGHEST_PROTOCOL}".encode())
    for relative, size, mtime in sorted(_files(str(PACKAGE), "")):
        digest.update(f"{relative}|{size}|{mtime}\n".encode())
    return digest.hexdigest()


def _files(folder: str, prefix: str) -> Iterator[tuple[str, int, int]]:
    """(path relative to the package, size, mtime) of every file under `folder`."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__":
                    yield from _files(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                stat = entry.stat()
                yield f"{prefix}{entry.name}", stat.st_size, stat.st_mtime_ns


def load_or_build_if_kept(name: str, build: Callable[[], T]) -> T | None:
    """`load_or_build`, or None when nothing is kept between processes (`WIEGO_CACHE_DIR=off`):
    for data that only saves time later (words summed ahead), and costs more to build than a
    one-question process like `main.py ask` would ever save."""
    return None if cache_dir() is None else load_or_build(name, build)


def load_or_build(name: str, build: Callable[[], T]) -> T:
    """The object `build()` returns, read from the cache when this very code and data built it
    before; otherwise built, and written for the next process (best effort)."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{fingerprint()}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]  # noqa: S301 - our own cache
    except FileNotFoundError:
        pass
    except Exception as exc:  # a torn or foreign file: rebuild and replace it
        log.warning("derived data cache %s unreadable (%s): rebuilding", path.name, type(exc).__name__)
    value = build()
    _write(folder, path, value)
    return value


def _write(folder: Path, path: Path, value: object) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            temp.replace(path)  # atomic: a reader sees the old file or the whole new one
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        for old in folder.glob(f"{path.name.rsplit('-', 1)[0]}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # built by older code or data
    except (OSError, pickle.PicklingError) as exc:
        log.debug("derived data cache not written (%s)", exc)

"""Writing output files safely: never onto the store, folders made, write failures as clear errors."""
from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence

from sqlalchemy.engine import make_url

from ..errors import OutputError

# Files SQLite keeps beside a database: writing over any of them corrupts the store.
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal", ".lock")  # .lock: the writer lock (store/lock.py)


def store_files(db_url: str) -> list[str]:
    """The files a store uses (a SQLite database and its companions); none for a server database."""
    try:
        url = make_url(db_url)
    except Exception:  # noqa: BLE001 - a plain path is a SQLite file
        return [os.path.abspath(db_url) + c for c in _SQLITE_COMPANIONS]
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return []
    path = os.path.abspath(url.database)
    return [path + c for c in _SQLITE_COMPANIONS]


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links
    except OSError:
        return False


def check_output_file(path: str, protected: Sequence[str]) -> None:
    """Raise OutputError unless `path` can be written as a file without touching `protected` files."""
    if not path:
        raise OutputError("no output path given")
    for p in protected:
        if _same_file(path, p):
            raise OutputError(f"{path} is a file of the store itself ({p}); choose another output",
                              source=path)
    if os.path.isdir(path):
        raise OutputError(f"{path} is a folder; give a file name", source=path)
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.exists(parent) and not os.path.isdir(parent):
        raise OutputError(f"{parent} is not a folder", source=path)


def check_output_folder(folder: str, names: Sequence[str], protected: Sequence[str]) -> None:
    """Raise OutputError unless `folder` (made if missing) can hold files `names` safely."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise OutputError(f"{folder} is a file, not a folder (csv writes one file per table)", source=folder)
    for name in names:
        check_output_file(os.path.join(folder, name), protected)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_file(path: str, text: str) -> str:
    """Write `text` to `path` whole or not at all; parent folders are made; OSError -> OutputError.

    A regular file is written beside its target and renamed over it (a reader never sees half a
    file); a device or pipe (e.g. /dev/stdout) is written directly.
    """
    data = text.encode("utf-8")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}", source=path) from None
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(path, "wb") as f:
                f.write(data)
            return path
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".newstrace-", suffix=".tmp", dir=parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}", source=path) from None
    return path

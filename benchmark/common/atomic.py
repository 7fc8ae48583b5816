"""Atomic writes: nothing already written is lost or half-written.

A file is written to a temporary file beside its final place and moved there
with :func:`os.replace`; a folder is built in a hidden temporary folder and
renamed.  ``tempfile`` creates both private (0600 / 0700); the results are
ordinary files and folders, so the mode is reset to what the umask allows.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(d / "a.txt", "سلام\\n").read_text(encoding="utf-8")
'سلام\\n'
>>> sorted(p.name for p in d.iterdir())
['a.txt']
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path | str, text: str) -> Path:
    """UTF-8 ``text`` written with :func:`write_bytes_atomic` (newlines kept as given)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def stage_dir(parent: Path | str, prefix: str) -> Path:
    """A hidden temporary folder in ``parent`` with ordinary permissions.

    Build a result in it, then ``os.rename``/``os.replace`` it into place; the
    leaderboard and the Hub builder skip hidden folders, so a crash never
    leaves something that looks finished.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp

"""Atomic writes: nothing already written is lost or half-written.

A file is written to a temporary file beside its final place, flushed to
disk and moved there with :func:`os.replace`.  A folder is built in a hidden
staging folder beside its final place (:func:`stage_dir`), its files flushed
(:func:`write_files`), and then either renamed to a new name
(:func:`commit_new_folder`, run folders) or swapped in for existing folders
(:func:`replace_folders`, export and publish), with the previous versions kept
aside until every swap has succeeded and put back if one fails.  Every
command that writes a folder goes through these functions.

Staging folders are named ``<prefix><host>.<pid>.<random>``, so a later
writer can tell the leftovers of a dead process on this host
(:func:`remove_stale_stages`) from the work of one still running.  The
leaderboard and the Hub builder skip hidden folders, so a crash never
leaves something that looks finished.  ``tempfile`` creates files and
folders private (0600 / 0700); the results are ordinary files and folders,
so the mode is reset to what the umask allows.

Every text file written here passes through
:func:`benchmark.common.redact.redact_bytes` first, so no credential (a
key in a base URL, an API-key variable's value, ``HF_TOKEN``) reaches a run
folder, a report, a leaderboard or an export, whichever field carried it.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(d / "a.txt", "سلام\\n").read_text(encoding="utf-8")
'سلام\\n'
>>> sorted(p.name for p in d.iterdir())
['a.txt']
>>> stage = stage_dir(d, ".tmp-run-")
>>> _ = write_files(stage, {"m.json": b"{}"})
>>> commit_new_folder(stage, d, "run").name, commit_new_folder(write_files(stage_dir(d, ".tmp-run-"), {}), d, "run").name
('run', 'run-2')
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Mapping

from benchmark.common.redact import redact_bytes


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path: Path) -> None:
    # A rename is durable only once the folder holding the new name is flushed.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = redact_bytes(data)
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


def _stage_tag() -> str:
    return f"{socket.gethostname() or 'host'}.{os.getpid()}."


def stage_dir(parent: Path | str, prefix: str) -> Path:
    """A hidden staging folder ``<prefix><host>.<pid>.<random>`` in ``parent``.

    Build a result in it, then move it into place with
    :func:`commit_new_folder` or :func:`replace_folders`.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_stages(parent, prefix)
    tmp = Path(tempfile.mkdtemp(prefix=prefix + _stage_tag(), dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_stale_stages(parent: Path | str, prefix: str) -> list[Path]:
    """Remove staging folders left in ``parent`` by dead writers on this host.

    Only folders named by :func:`stage_dir` on this host whose process no
    longer exists are removed; another host's (a shared file system) and a
    live process's are left alone.  Returns the folders removed.
    """
    host = socket.gethostname() or "host"
    removed = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and entry.is_dir()):
            continue
        owner = name[len(prefix):].split(".")
        # <host>.<pid>.<random>; a host name may itself contain dots.
        if len(owner) < 3 or ".".join(owner[:-2]) != host or not owner[-2].isdigit():
            continue
        pid = int(owner[-2])
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def write_files(folder: Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (relative path → bytes) into ``folder``, each flushed to disk (text redacted)."""
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(redact_bytes(data))
            fh.flush()
            os.fsync(fh.fileno())
    return folder


def commit_new_folder(stage: Path, parent: Path, name: str, *, max_attempts: int = 999) -> Path:
    """Rename ``stage`` to ``parent/name``, or ``name-2``, ``name-3``… if taken.

    ``os.rename`` onto an existing non-empty folder fails atomically, so two
    processes can never share a folder.  ``stage`` is removed on failure.
    """
    try:
        for attempt in range(1, max_attempts + 1):
            final = parent / (name if attempt == 1 else f"{name}-{attempt}")
            try:
                if final.exists():
                    continue
                os.rename(stage, final)
                _fsync_dir(parent)
                return final
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
        raise FileExistsError(errno.EEXIST, "no free folder name after many attempts", str(parent / name))
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def replace_folders(moves: Mapping[Path, Path | None]) -> None:
    """Swap staged folders in for their targets, all or none.

    ``moves`` maps a target folder to the staged folder that replaces it, or
    to ``None`` to remove the target.  Each existing target is first moved
    aside into a hidden folder beside it; if any swap fails, everything moved
    so far is put back before the error propagates, so the previous versions
    are never lost.  Staged folders that were not swapped in are removed.
    """
    done: list[tuple[Path, Path | None, Path | None]] = []  # (target, aside, staged)
    asides: list[Path] = []
    try:
        for target, staged in moves.items():
            aside = None
            if target.exists():
                holder = stage_dir(target.parent, f".{target.name}-old-")
                asides.append(holder)
                aside = holder / "previous"
                os.replace(target, aside)
            done.append((target, aside, None))
            if staged is not None:
                os.replace(staged, target)
                done[-1] = (target, aside, staged)
            _fsync_dir(target.parent)
        for holder in asides:
            shutil.rmtree(holder, ignore_errors=True)
        asides = []
    except BaseException:
        for target, aside, staged in reversed(done):
            if staged is not None and target.exists():
                os.replace(target, staged)
            if aside is not None:
                os.replace(aside, target)
        raise
    finally:
        for staged in moves.values():
            if staged is not None and staged.exists():
                shutil.rmtree(staged, ignore_errors=True)
        for holder in asides:
            # A holder still holding "previous" means even the restore failed:
            # keep it, so the previous version survives in the hidden folder.
            if not (holder / "previous").exists():
                shutil.rmtree(holder, ignore_errors=True)

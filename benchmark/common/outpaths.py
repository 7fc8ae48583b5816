"""Output folders: never a system directory.

Commands often run as root (containers, CI), so ``paths.results_dir=/`` would
create ``/rules/…`` in the file-system root and ``--out /etc`` would write
into ``/etc``.  Every output-folder option (``paths.results_dir``,
``score --out``, ``leaderboard --out``, ``export --out``, ``hub.out_dir``) goes
through :func:`check_output_dir` before anything is read or written.

Two kinds of refusal:

* :data:`SYSTEM_TREES`: the folder and everything inside it (``/etc``,
  ``/usr``, ``/proc`` …);
* :data:`SYSTEM_ROOTS`: the folder itself, where a command would scatter its
  output among the system's own entries (``/``, ``/var``, ``/home``, the
  user's home directory …); a folder of one's own inside it is fine
  (``/var/tmp/runs``, ``~/runs``).

Symbolic links are resolved first (``/lib`` → ``/usr/lib``).

Examples
--------
>>> check_output_dir("results/runs", option="paths.results_dir")  # relative to the working directory: fine
>>> check_output_dir("/etc/bench", option="--out")
Traceback (most recent call last):
...
benchmark.errors.ConfigError: --out: '/etc/bench' is inside the system directory /etc; choose a folder of your own, e.g. results/
>>> check_output_dir("/", option="paths.results_dir")
Traceback (most recent call last):
...
benchmark.errors.ConfigError: paths.results_dir: '/' is the system directory /; choose a folder of your own, e.g. results/
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmark.errors import ConfigError

SYSTEM_TREES = (
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/snap",
    "/sys", "/usr", "/var/lib", "/var/log", "/var/cache", "/var/spool", "/var/mail", "/var/run", "/var/backups",
)
"""Folders refused together with everything inside them."""

SYSTEM_ROOTS = ("/", "/home", "/root", "/var", "/opt", "/srv", "/mnt", "/media")
"""Folders refused themselves (and the user's home directory): their subfolders are fine."""

_SHOWN = 80
"""Characters of a refused path echoed in the message."""


def _real(path: str | os.PathLike) -> Path:
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path)))).resolve(strict=False)


def system_directory(path: str | os.PathLike) -> tuple[str, bool] | None:
    """The system directory ``path`` is or lies in, as ``(directory, inside)``; ``None`` if none."""
    real = _real(path)
    for tree in SYSTEM_TREES:
        for candidate in {Path(tree), _real(tree)}:
            if real == candidate or candidate in real.parents:
                return tree, real != candidate
    roots = {Path(r) for r in SYSTEM_ROOTS} | {_real(r) for r in SYSTEM_ROOTS}
    home = _real(Path.home())
    if real in roots or real == home:
        return ("~" if real == home and str(real) not in SYSTEM_ROOTS else str(real)), False
    return None


def check_output_dir(path: str | os.PathLike, *, option: str) -> None:
    """Refuse ``path`` as an output folder if it is (or is inside) a system directory.

    Raises :class:`~benchmark.errors.ConfigError` naming ``option``.
    """
    _refuse(path, system_directory(path), option=option)


def check_output_file(path: str | os.PathLike, *, option: str) -> None:
    """Refuse ``path`` as an output file if its folder is (or is inside) a system directory.

    >>> check_output_file("/x.jsonl", option="--out")
    Traceback (most recent call last):
    ...
    benchmark.errors.ConfigError: --out: '/x.jsonl' is in the system directory /; choose a folder of your own, e.g. results/
    """
    found = system_directory(Path(os.path.abspath(os.path.expanduser(os.fspath(path)))).parent)
    _refuse(path, None if found is None else (found[0], True), option=option, preposition="in")


def _refuse(path: str | os.PathLike, found: tuple[str, bool] | None, *, option: str,
            preposition: str = "inside") -> None:
    if found is None:
        return
    directory, inside = found
    shown = os.fspath(path)
    shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "…"
    where = f"is {preposition} the system directory {directory}" if inside else (
        "is your home directory" if directory == "~" else f"is the system directory {directory}")
    raise ConfigError(f"{shown!r} {where}; choose a folder of your own, e.g. results/", field=option)

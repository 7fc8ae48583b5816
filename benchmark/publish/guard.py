"""Refuse to replace a folder that ``export`` or ``publish`` did not build.

Both commands replace whole output folders, so a mistyped ``--out`` or
``hub.out_dir`` (``.``, the repository, ``results``) would delete user data.
A folder may be replaced only when it does not exist, is empty, or is
recognisably one the command built before.  Recognition is by *structure*: every
entry must be something the command writes (a :class:`Layout`); a single
foreign entry, a symbolic link or a hidden file the command never writes is
enough to refuse.  The check runs before anything is written and again just
before the swap, and never deletes or moves anything itself.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "data" / "quotes").mkdir(parents=True)
>>> _ = (d / "data" / "quotes" / "test.parquet").write_bytes(b"")
>>> _ = (d / "README.md").write_text("card")
>>> foreign_entries(d, DATASET)
[]
>>> _ = (d / "data" / "quotes" / "notes.txt").write_text("mine")
>>> foreign_entries(d, DATASET)
['data/quotes/notes.txt']
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.errors import InputError
from benchmark.publish.parquet import CONFIGS, SPLIT
from benchmark.publish.results_folder import LEADERBOARD_FILES

MANIFEST = "publish_manifest.json"
"""Written by every publish into ``hub.out_dir``; marks the folder as publish's own."""
STAGE_PREFIX = ".stage-"
"""Hidden staging folders publish builds in, inside ``hub.out_dir``."""
SHOWN = 3
"""Foreign entries named in a refusal (the first ones, sorted)."""


@dataclass(frozen=True)
class Layout:
    """What a built folder may hold.

    Names are :mod:`fnmatch` patterns; a wildcard never matches a hidden
    (dot) name, so only explicitly listed hidden entries are accepted.
    """

    files: tuple[str, ...] = ()
    dirs: Mapping[str, Layout] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    """Files that must be present (how a copied run folder is recognised)."""
    opaque: bool = False
    """Contents beyond ``required`` are not checked (a run folder copied as the harness wrote it)."""


def _match(name: str, pattern: str) -> bool:
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern)


def foreign_entries(folder: Path, layout: Layout, *, _prefix: str = "") -> list[str]:
    """Relative POSIX paths under ``folder`` that ``layout`` does not allow, sorted."""
    out: list[str] = []
    folder = Path(folder)
    for req in layout.required:
        if not (folder / req).is_file():
            out.append(f"{_prefix}{req} (missing)" if _prefix else f"{req} (missing)")
    if layout.opaque:
        return out
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        rel = f"{_prefix}{p.name}"
        if p.is_symlink():
            out.append(rel)
        elif p.is_dir():
            sub = next((lay for pat, lay in layout.dirs.items() if _match(p.name, pat)), None)
            if sub is None:
                out.append(f"{rel}/")
            else:
                out.extend(foreign_entries(p, sub, _prefix=f"{rel}/"))
        elif not (p.is_file() and any(_match(p.name, pat) for pat in layout.files)):
            out.append(rel)
    return out


DATASET = Layout(
    files=("README.md", "LICENSE.md", "GUIDELINES.md", "ADJUDICATION.md", "eval.yaml"),
    dirs={"data": Layout(dirs={c: Layout(files=(f"{SPLIT}.parquet",)) for c in CONFIGS})},
)
"""An ``export`` folder, and publish's ``dataset/`` (which adds ``eval.yaml``)."""
RESULTS = Layout(
    files=("README.md", "LICENSE.md", *LEADERBOARD_FILES),
    dirs={"data": Layout(dirs={"*": Layout(files=("*.parquet",))}),
          "runs": Layout(dirs={"*": Layout(dirs={"*": Layout(required=("metrics.json",), opaque=True)})})},
)
"""Publish's ``results/``: card, Parquet per system, leaderboard files, copied run folders."""
MODEL_CARD = Layout(files=("model-index.yaml",), dirs={".eval_results": Layout(files=("*.yaml",))})
"""Publish's ``model_card/``."""
PUBLISH_FOLDERS: dict[str, Layout] = {"dataset": DATASET, "results": RESULTS, "model_card": MODEL_CARD}


def _found(entries: list[str]) -> str:
    more = f", … ({len(entries) - SHOWN} more)" if len(entries) > SHOWN else ""
    return ", ".join(entries[:SHOWN]) + more


def refuse_unsafe_target(path: Path, *, field: str | None = None) -> None:
    """Refuse a file, a symbolic link, the current directory or one of its ancestors."""
    path = Path(path)
    if path.is_symlink():
        raise InputError("refusing to replace a symbolic link; choose an empty or new folder", file=str(path),
                         field=field)
    if path.exists() and not path.is_dir():
        raise InputError("refusing to replace a file with a folder; choose an empty or new folder", file=str(path),
                         field=field)
    cwd = Path.cwd().resolve()
    resolved = path.resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise InputError("refusing to replace the current directory or one of its parents; choose an empty or "
                         "new folder", file=str(path), field=field)


def check_replaceable(path: Path, layout: Layout, *, command: str, field: str | None = None) -> None:
    """Raise :class:`InputError` unless ``path`` is absent, empty, or matches ``layout``."""
    refuse_unsafe_target(path, field=field)
    path = Path(path)
    if not path.is_dir():
        return
    foreign = foreign_entries(path, layout)
    if foreign:
        raise InputError(f"refusing to replace this folder: it is not a folder built by `{command}` "
                         f"(found: {_found(foreign)}); choose an empty or new folder", file=str(path), field=field)


def check_export_out(out: Path) -> None:
    """The ``--out`` of ``export`` may be replaced (see the module docstring)."""
    check_replaceable(out, DATASET, command="export")


def check_publish_out_dir(out_dir: Path) -> None:
    """``hub.out_dir`` is absent, empty, or an earlier publish's, and every folder publish replaces is its own."""
    out_dir = Path(out_dir)
    field = "hub.out_dir"
    refuse_unsafe_target(out_dir, field=field)
    if not out_dir.is_dir():
        return
    # ``.stage-*``: publish's own staging folders (this run's, or one a killed run left behind).
    entries = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(STAGE_PREFIX))
    if entries and not (out_dir / MANIFEST).is_file():
        raise InputError(f"refusing to publish into this folder: it is not empty and holds no {MANIFEST} from an "
                         f"earlier publish (found: {_found(entries)}); choose an empty or new folder",
                         file=str(out_dir), field=field)
    for name, layout in PUBLISH_FOLDERS.items():
        sub = out_dir / name
        if sub.is_symlink() or sub.exists() and not sub.is_dir():
            raise InputError(f"refusing to replace {name!r}: publish builds a folder there, but this is a "
                             f"{'symbolic link' if sub.is_symlink() else 'file'}; move it away or choose an empty "
                             "or new folder", file=str(sub), field=field)
        if sub.is_dir():
            foreign = foreign_entries(sub, layout)
            if foreign:
                raise InputError(f"refusing to replace this folder: it is not a {name!r} folder built by `publish` "
                                 f"(found: {_found(foreign)}); move it away or choose an empty or new folder",
                                 file=str(sub), field=field)

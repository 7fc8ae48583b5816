"""Which corpus a set of runs was made on: given explicitly, or read from the runs.

Every run records the gold folder it was scored on in its ``config.yaml``
(``paths.data_dir``; ``null`` means the repository's ``data/``) and the
checksum of that gold in ``metrics.json``.  The leaderboard ranks, and
publish uploads, runs against *one* corpus's current gold:

1. a data folder given explicitly (``--data-dir``, ``paths.data_dir``) is used;
2. otherwise the folder the runs recorded is used: the repository's ``data/``
   when they recorded none, the one folder they name when they all agree;
3. runs that name different folders are refused in one line that names each
   corpus with its gold checksums and runs: ranking them together would mix
   corpora.  Pass the folder to use, or keep each corpus's runs apart.

Runs whose ``config.yaml`` is missing or unreadable (written by an older
harness, or by hand) say nothing and do not take part in the choice.

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> run = root / "rules" / "20250218T093000Z-abcd1234"
>>> run.mkdir(parents=True)
>>> _ = (run / "config.yaml").write_text("paths:\\n  data_dir: null\\n")
>>> recorded_data_dir(run)
(True, None)
>>> choose_corpus([run]).how
'the repository data/ (the runs name no other folder)'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from benchmark.errors import ConfigError
from benchmark.gold.schema import Corpus

SHOWN_RUNS = 2
"""Runs named per corpus in a refusal; the rest are counted."""
MAX_CONFIG_BYTES = 1_000_000
"""A run's ``config.yaml`` is a few kB; a larger one is not read."""


@dataclass(frozen=True)
class CorpusChoice:
    """The corpus runs are ranked or published against, and why it was chosen."""

    data_dir: Path
    corpus: Corpus
    how: str
    """One line for the user: where the folder came from."""


def recorded_data_dir(run_dir: Path) -> tuple[bool, str | None]:
    """``(known, paths.data_dir)`` from the run's ``config.yaml``; ``(False, None)`` when it says nothing."""
    import yaml

    path = Path(run_dir) / "config.yaml"
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:  # not what the harness writes: say nothing
            return False, None
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, yaml.YAMLError):
        return False, None
    paths = config.get("paths") if isinstance(config, dict) else None
    if not isinstance(paths, dict) or "data_dir" not in paths:
        return False, None
    value = paths["data_dir"]
    return (True, None) if value is None else (True, str(value))


def _key(value: str | None) -> Path:
    from benchmark.gold.loading import default_data_dir

    return (default_data_dir() if value is None else Path(value).expanduser()).resolve()


def _gold_of(run_dir: Path) -> str:
    try:
        sha = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8")).get("gold_sha256")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        sha = None
    return str(sha)[:12] if sha else "unknown"


def _describe(folder: Path, runs: list[Path], root: Path | None) -> str:
    def name(p: Path) -> str:
        try:
            return p.relative_to(root).as_posix() if root is not None else p.as_posix()
        except ValueError:
            return p.as_posix()

    golds = sorted({_gold_of(p) for p in runs})
    shown = ", ".join(name(p) for p in runs[:SHOWN_RUNS])
    more = f" and {len(runs) - SHOWN_RUNS} more" if len(runs) > SHOWN_RUNS else ""
    return f"{folder} (gold {', '.join(golds)}: {shown}{more})"


def corpora_of(run_dirs: Sequence[Path]) -> dict[Path, list[Path]]:
    """Resolved data folder → the runs that recorded it (runs that recorded nothing are left out)."""
    out: dict[Path, list[Path]] = {}
    for run_dir in sorted(Path(p) for p in run_dirs):
        known, value = recorded_data_dir(run_dir)
        if known:
            out.setdefault(_key(value), []).append(run_dir)
    return out


def choose_corpus(run_dirs: Sequence[Path], *, data_dir: str | Path | None = None, field: str = "--data-dir",
                  root: Path | None = None) -> CorpusChoice:
    """The corpus to rank or publish ``run_dirs`` against (rules in the module docstring).

    ``field`` names the option in messages; ``root`` shortens run names in them.
    Raises :class:`~benchmark.errors.ConfigError` when the runs name several
    corpora and none was given, or name one that does not exist here.
    """
    from benchmark.gold.loading import default_data_dir, load_corpus

    if data_dir is not None:
        return CorpusChoice(Path(data_dir), load_corpus(Path(data_dir)), f"{field} {data_dir}")
    groups = corpora_of(run_dirs)
    if len(groups) > 1:
        where = f"runs under {root}" if root is not None else "the runs"
        listed = "; ".join(_describe(folder, runs, root) for folder, runs in groups.items())
        raise ConfigError(f"{where} were made on {len(groups)} corpora, refusing to mix them: {listed}; pass "
                          f"{field} to choose one, or keep each corpus's runs in a folder of their own",
                          field=field)
    if not groups or next(iter(groups)) == default_data_dir().resolve():
        return CorpusChoice(default_data_dir(), load_corpus(default_data_dir()),
                            "the repository data/ (the runs name no other folder)")
    folder = next(iter(groups))
    if not folder.is_dir():
        raise ConfigError(f"the runs were made on the corpus {folder} (paths.data_dir in their config.yaml), "
                          f"which is not found here; pass {field}", field=field)
    return CorpusChoice(folder, load_corpus(folder), f"{folder} (paths.data_dir recorded by the runs)")


def describe_choice(choice: CorpusChoice) -> dict[str, Any]:
    """JSON-ready record of the choice (for manifests)."""
    return {"data_dir": str(choice.data_dir), "gold_sha256": choice.corpus.sha256, "how": choice.how,
            "documents": len(choice.corpus.documents)}

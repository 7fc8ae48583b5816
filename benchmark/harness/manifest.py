"""What a run records about its environment (``manifest.json``)."""

from __future__ import annotations

import platform
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "arabic-quote-benchmark", "numpy", "scipy", "scikit-learn", "sacrebleu", "rapidfuzz", "datasets",
    "evaluate", "huggingface_hub", "hydra-core", "omegaconf", "pyarrow", "matplotlib", "jsonschema",
)


def package_versions(extra: tuple[str, ...] = ()) -> dict[str, str | None]:
    """Installed versions, read from package metadata (no imports)."""
    return dict(_versions(tuple(extra)))


@lru_cache(maxsize=8)
def _versions(extra: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    # Once per process: reading a package's metadata costs ~1 ms, and the
    # default run writes six manifests; what is installed does not change mid-run.
    out: dict[str, str | None] = {}
    for name in (*PACKAGES, *extra):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return tuple(out.items())


def git_state(root: Path) -> dict[str, object]:
    """Commit hash and whether the work tree is dirty (``None`` outside git), read once per process."""
    return dict(_git_state(Path(root)))


@lru_cache(maxsize=8)
def _git_state(root: Path) -> tuple[tuple[str, object], ...]:
    # Once per process, like the package versions: the code that runs is the
    # code imported at start, so a file edited during a long in-process sweep
    # must not make later manifests claim it; and the default run writes six
    # manifests, two git processes each.

    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return (("commit", commit), ("dirty", None if status is None else bool(status)))


def environment(root: Path) -> dict[str, object]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "git": git_state(root),
    }

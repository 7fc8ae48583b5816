"""Signature strings: every setting that changes a number, in one line.

Like sacrebleu's signatures, a signature lists the metric and each option
that changes its value (scheme, level, normalisation), the resampling
settings behind its confidence interval, the first 12 hex characters of the
gold SHA-256, and the versions of the packages that computed it.  A
sacrebleu metric keeps sacrebleu's own signature verbatim inside brackets,
so nothing sacrebleu records is dropped.

Examples
--------
>>> sig = metric_signature(
...     "quote_content_f1",
...     fields=(("scheme", "proportional"), ("level", "char"), ("norm", "none")),
...     n_resamples=1000, seed=12345, confidence=0.95,
...     gold_sha256="1a2b3c4d5e6f7a8b9c", packages=())
>>> sig
'quote_content_f1|scheme:proportional|level:char|norm:none|boot:1000|conf:0.95|seed:12345|gold:1a2b3c4d5e6f|benchmark:0.1.0'
>>> parse_signature(sig)["scheme"]
'proportional'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from typing import Iterable

# Distribution names for the short names used in signatures.
_DISTRIBUTIONS = {
    "numpy": "numpy",
    "scipy": "scipy",
    "sklearn": "scikit-learn",
    "sacrebleu": "sacrebleu",
}


@lru_cache(maxsize=None)
def package_version(name: str) -> str:
    """Installed version of ``name`` (a short name such as ``"sklearn"``).

    >>> package_version("benchmark")
    '0.1.0'
    """
    if name == "benchmark":
        from benchmark.common.version import __version__

        return __version__
    try:
        return metadata.version(_DISTRIBUTIONS.get(name, name))
    except metadata.PackageNotFoundError:
        return "none"


def metric_signature(
    metric: str,
    *,
    fields: Iterable[tuple[str, object]],
    n_resamples: int,
    seed: int,
    confidence: float,
    gold_sha256: str,
    packages: Iterable[str] = ("numpy",),
) -> str:
    """Build ``metric|key:value|…|boot:N|conf:C|seed:S|gold:…|benchmark:V|pkg:V``.

    Parameters
    ----------
    metric : str
        Base metric name, e.g. ``"quote_content_f1"``.
    fields : iterable of (str, object)
        Options that change the value, in a fixed order.
    n_resamples, seed, confidence
        Settings of the bootstrap confidence interval.
    gold_sha256 : str
        Checksum of the gold version; its first 12 hex characters are kept.
    packages : iterable of str
        Short package names whose versions are recorded after ``benchmark``.
    """
    parts = [metric]
    parts += [f"{key}:{value}" for key, value in fields]
    parts += [
        f"boot:{n_resamples}",
        f"conf:{confidence:g}",
        f"seed:{seed}",
        f"gold:{gold_sha256[:12]}",
        f"benchmark:{package_version('benchmark')}",
    ]
    parts += [f"{name}:{package_version(name)}" for name in packages]
    return "|".join(parts)


def parse_signature(signature: str) -> dict[str, str]:
    """Split a signature back into ``{"metric": …, key: value}``.

    A bracketed value (sacrebleu's own signature) is kept whole.

    >>> parse_signature("chrf++|sacrebleu_sig:[chrF2++|nrefs:1]|seed:1")["sacrebleu_sig"]
    '[chrF2++|nrefs:1]'
    """
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in signature:
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (ch == "[") - (ch == "]")
        current += ch
    parts.append(current)
    out = {"metric": parts[0]}
    for part in parts[1:]:
        key, _, value = part.partition(":")
        out[key] = value
    return out

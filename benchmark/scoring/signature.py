"""Signatures: every setting that changes a number, as a small frozen object.

Like sacrebleu's ``Signature``, a :class:`Signature` lists the metric and
each option that changes its value (scheme, level, normalisation), the
resampling settings behind its confidence interval, the first 12 hex
characters of the gold SHA-256, and the versions of the packages that
computed it.  It is written as one line, ``metric|key:value|…``, and read
back with :meth:`Signature.parse`.

**Escaping.**  In the written form a backslash escapes the next character;
``\\``, ``|``, ``[`` and ``]`` are always escaped, and ``:`` in a key, so any
value round-trips — the quotation-mark field ``“”|""`` and sacrebleu's own
signature ``chrF2++|nrefs:1|…`` (kept whole, as the value of
``sacrebleu_sig``) included.  Signatures written before escaping existed
kept sacrebleu's signature inside unescaped brackets; the parser still reads
those, brackets included in the value.

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
>>> marks = Signature("quote_mark_preservation", (("marks", '“”|""'),))
>>> str(marks)
'quote_mark_preservation|marks:“”\\\\|""'
>>> Signature.parse(str(marks)) == marks
True
"""

from __future__ import annotations

from dataclasses import dataclass
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
_SPECIAL = "\\|[]"
"""Characters escaped everywhere in the written form."""


def _escape(text: str, extra: str = "") -> str:
    return "".join("\\" + ch if ch in _SPECIAL + extra else ch for ch in text)


@dataclass(frozen=True)
class Signature:
    """A metric name and its ordered ``(key, value)`` settings."""

    metric: str
    """Base metric name, e.g. ``"quote_content_f1"``."""
    fields: tuple[tuple[str, str], ...] = ()
    """Every setting that changes the value, in a fixed order."""

    def __post_init__(self) -> None:
        keys = [k for k, _ in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate signature keys in {keys}")

    def format(self) -> str:
        """The one-line form, ``metric|key:value|…``, escaped (module docstring)."""
        parts = [_escape(self.metric, ":")]
        parts += [f"{_escape(k, ':')}:{_escape(str(v))}" for k, v in self.fields]
        return "|".join(parts)

    def __str__(self) -> str:
        return self.format()

    def as_dict(self) -> dict[str, str]:
        """``{"metric": …, key: value, …}``."""
        return {"metric": self.metric, **dict(self.fields)}

    def get(self, key: str, default: str | None = None) -> str | None:
        return dict(self.fields).get(key, default)

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """Read a written signature back (escaped, or the older bracketed form).

        >>> Signature.parse("chrf++|sacrebleu_sig:[chrF2++|nrefs:1]|seed:1").get("sacrebleu_sig")
        '[chrF2++|nrefs:1]'
        >>> Signature.parse(r"m|a\\:b:c\\|d").fields
        (('a:b', 'c|d'),)
        """
        parts = _split(text)
        metric = "".join(ch for ch, _ in parts[0])
        fields = []
        for part in parts[1:]:
            colon = next((n for n, (ch, escaped) in enumerate(part) if ch == ":" and not escaped), len(part))
            fields.append(("".join(ch for ch, _ in part[:colon]), "".join(ch for ch, _ in part[colon + 1:])))
        return cls(metric, tuple(fields))


def _split(text: str) -> list[list[tuple[str, bool]]]:
    """Characters of each ``|``-separated part, each marked escaped or not.

    An unescaped ``[`` … ``]`` group (the older form) is never split.
    """
    parts: list[list[tuple[str, bool]]] = [[]]
    depth, chars = 0, iter(text)
    for ch in chars:
        if ch == "\\":
            parts[-1].append((next(chars, "\\"), True))
            continue
        if ch == "|" and depth == 0:
            parts.append([])
            continue
        depth = max(0, depth + (ch == "[") - (ch == "]"))
        parts[-1].append((ch, False))
    return parts


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
    """The written :class:`Signature` ``metric|key:value|…|boot:N|conf:C|seed:S|gold:…|benchmark:V|pkg:V``.

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
    parts = [(key, str(value)) for key, value in fields]
    parts += [
        ("boot", str(n_resamples)),
        ("conf", f"{confidence:g}"),
        ("seed", str(seed)),
        ("gold", gold_sha256[:12]),
        ("benchmark", package_version("benchmark")),
    ]
    parts += [(name, package_version(name)) for name in dict.fromkeys(packages)]
    return Signature(metric, tuple(parts)).format()


def parse_signature(signature: str) -> dict[str, str]:
    """Split a written signature into ``{"metric": …, key: value}`` (see :meth:`Signature.parse`).

    >>> parse_signature(r"chrf++|sacrebleu_sig:chrF2++\\|nrefs:1|seed:1")["sacrebleu_sig"]
    'chrF2++|nrefs:1'
    """
    return _parsed(signature).as_dict()


@lru_cache(maxsize=4096)
def _parsed(signature: str) -> Signature:
    # Reports and leaderboards ask for the scale of the same few signatures
    # thousands of times; a Signature is frozen, so one parse serves them all.
    return Signature.parse(signature)

"""Deterministic sentence segmentation of an article into gold segments.

Paragraphs are blocks separated by newlines.  Inside a paragraph a sentence
ends at a full stop (optionally followed by a closing quotation mark) that is
followed by whitespace; a full stop inside a number (``4.5``) or a URL does not
end a sentence because it is not followed by whitespace.  A paragraph without
final punctuation that is short and stands alone is a headline.

Examples
--------
>>> text = "عنوان قصير\\n\\nقال لافروف إن المحادثات مفيدة. وأضاف أن الاتصال مهم."
>>> [(s.start, s.end, k) for s, k, _ in split_segments(text)]
[(0, 10, 'headline'), (12, 42, 'body'), (43, 64, 'body')]
"""

from __future__ import annotations

import re

from benchmark.gold.schema import Span

_SENTENCE_END = re.compile(r"(?<=\.)”?(?=\s)|(?<=\.”)(?=\s)")
_FINAL_PUNCT = (".", ":", "”", "!", "؟", "?")


def split_segments(
    text: str, *, boilerplate_from: int | None = None
) -> list[tuple[Span, str, int]]:
    """Split ``text`` into ``(span, kind, paragraph)`` triples.

    Parameters
    ----------
    text : str
        The exact article text.
    boilerplate_from : int, optional
        Offset from which every segment is the publisher's boilerplate.

    Returns
    -------
    list of tuple
        Spans are stripped of surrounding whitespace; ``kind`` is one of
        ``headline``, ``body`` or ``boilerplate``.
    """
    out: list[tuple[Span, str, int]] = []
    pos = 0
    paragraph = -1
    for line in text.split("\n"):
        if line.strip():
            paragraph += 1
            cuts = [m.end() for m in _SENTENCE_END.finditer(line)]
            bounds = [0, *cuts, len(line)]
            pieces = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
            for a, b in pieces:
                raw = line[a:b]
                lead = len(raw) - len(raw.lstrip())
                trail = len(raw) - len(raw.rstrip())
                start, end = pos + a + lead, pos + b - trail
                if start >= end:
                    continue
                seg = text[start:end]
                if boilerplate_from is not None and start >= boilerplate_from:
                    kind = "boilerplate"
                elif len(pieces) == 1 and not seg.endswith(_FINAL_PUNCT):
                    kind = "headline"
                else:
                    kind = "body"
                out.append((Span(start, end, seg), kind, paragraph))
        pos += len(line) + 1
    return out

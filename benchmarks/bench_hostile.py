"""How long ``validate`` takes on the worst files the size limits accept (not a unit test).

Run: ``python benchmarks/bench_hostile.py [--quick]``.  Each scenario writes
one predictions file for the packaged gold, then times
:func:`benchmark.submission.report.validate_file` on it in-process (wall and
CPU seconds; CPU is the figure to trust on a busy machine).  The goal of
issue 10: any file up to the documented limits validates in seconds.

Scenarios (each at the default limits of
:class:`benchmark.submission.limits.SubmissionLimits` unless said):

* ``issue-default`` / ``issue-raised``: the issue's file, 20,000 copies of one
  unalignable quote, at the default limits (refused by ``max_items``) and with
  ``max_items`` raised to 20,000 (aligned once, thanks to the cache);
* ``distinct-N``: ``max_items`` *different* unalignable quotes of N
  characters (random Arabic words: the fuzzy tier runs for every one);
* ``shuffled-N``: ``max_items`` quotes made of the article's own words
  shuffled (they share most of their letters with the text, the hardest
  case for rapidfuzz's cutoff);
* ``long``: as many ``max_string_chars``-long quotes of the article's words as
  the file-size limit allows (the anchored path for long strings);
* ``gold-as-text``: the gold written as text fields (what a good system
  sends), the case that must stay fast and exact.

For the ``distinct`` and ``shuffled`` cases it also times the alignment
before this change (the chunked partial-ratio scan over the whole text,
reproduced below as :func:`chunked_scan`) on a sample of strings and prints
the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz

from benchmark.common.normalize import normalized_view
from benchmark.gold.loading import load_corpus
from benchmark.submission import align
from benchmark.submission.limits import DEFAULT_LIMITS
from benchmark.submission.report import validate_file

CORPUS = load_corpus()
DOC = CORPUS.documents[0]
WORDS = DOC.text.split()
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def chunked_scan(nq: str, ntext: str) -> float:
    """The fuzzy tier before issue 10: partial ratio over chunks of twice the query's length."""
    n = len(nq)
    return max(fuzz.partial_ratio_alignment(nq, ntext[lo:lo + 2 * n]).score
               for lo in range(0, max(1, len(ntext) - n + 1), n))


def random_words(rng: random.Random, chars: int) -> str:
    words = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append("".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 7))))
    return " ".join(words)[:chars]


def shuffled(rng: random.Random, chars: int) -> str:
    i = rng.randrange(len(WORDS) - 400)
    words = WORDS[i:i + max(3, chars // 5)]
    rng.shuffle(words)
    return " ".join(words)[:chars]


def article_words(rng: random.Random, chars: int) -> str:
    """Words of the article drawn at random until ``chars`` characters (for strings longer than it)."""
    out, n = [], 0
    while n < chars:
        out.append(rng.choice(WORDS))
        n += len(out[-1]) + 1
    return " ".join(out)[:chars]


def gold_as_text() -> dict:
    return {"doc_id": DOC.doc_id,
            "speakers": [{"text": m.span.text} for m in DOC.mentions],
            "quotes": [{"content_text": [s.text for s in q.content], "cue_text": q.cue.text if q.cue else None,
                        "source_text": q.source.text if q.source else None, "speaker": q.speaker, "type": q.type}
                       for q in DOC.quotes]}


def run(name: str, obj: dict, *, old_sample: list[str] = (), limits=DEFAULT_LIMITS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.jsonl"
        path.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
        size = path.stat().st_size
        align.text_index.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        report = validate_file(path, corpus=CORPUS, limits=limits)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = sum(len(v) for k, v in obj.items() if isinstance(v, list))
    outcome = (f"valid, {report.alignment_methods}" if report.valid
               else f"refused: {report.problems[0].message[:60]}…")
    line = f"{name:<16} {size / 1e6:7.1f} MB {n:>7} items  {wall:7.2f} s wall {cpu:7.2f} s CPU  {outcome}"
    if old_sample:
        ntext = normalized_view(DOC.text).text
        t = time.process_time()
        for q in old_sample:
            chunked_scan(normalized_view(q).text, ntext)
        old = (time.process_time() - t) / len(old_sample)
        new = cpu / n
        line += f"\n{'':16} before: {old * 1e3:.2f} ms per string, so ~{old * n:.0f} s CPU; ratio {old / new:.0f}x"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the items (a smoke run)")
    args = parser.parse_args()
    limits = DEFAULT_LIMITS
    items = limits.max_items // (10 if args.quick else 1)
    rng = random.Random(12345)
    print(f"gold: {len(DOC.text)} characters; limits: {limits}")
    q = random_words(rng, 150)
    issue = {"doc_id": DOC.doc_id, "quotes": [{"content_text": q, "speaker": "x"}] * 20_000}
    run("issue-default", issue)  # refused by max_items
    run("issue-raised", issue, limits=replace(limits, max_items=20_000))
    for chars in (100, 256):
        texts = [random_words(rng, chars) for _ in range(items)]
        run(f"distinct-{chars}", {"doc_id": DOC.doc_id, "quotes": [{"content_text": t} for t in texts]},
            old_sample=texts[:20])
        texts = [shuffled(rng, chars) for _ in range(items)]
        run(f"shuffled-{chars}", {"doc_id": DOC.doc_id, "quotes": [{"content_text": t} for t in texts]},
            old_sample=texts[:20])
    per_file = int(limits.max_file_bytes // (2 * limits.max_string_chars + 40))
    long = [article_words(rng, limits.max_string_chars) for _ in range(min(per_file, items) // (10 if args.quick else 1))]
    run("long", {"doc_id": DOC.doc_id, "quotes": [{"content_text": t} for t in long]})
    run("gold-as-text", gold_as_text())


if __name__ == "__main__":
    main()

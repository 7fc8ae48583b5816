"""One licensing for everything publish and export write: ours versus the article's.

The decision (docs/PUBLISHING.md, "Licensing"):

* **Ours, CC BY 4.0**: the annotations (offsets, labels, ids, entities,
  attribution relations, stances, targets), the English reference
  translations as far as they are our work, the guidelines and adjudication
  log, the cards, ``eval.yaml``, and every result (scores, intervals,
  signatures, per-item statistics, configs, manifests, leaderboards).
* **Not ours, not under CC BY 4.0**: the article text and every excerpt of
  it.  The rights stay with its content provider; it is redistributed as the
  distributor's republication terms allow, because every offset points into it.
  Translations of it are derivative works, so CC BY 4.0 covers only our part.
* **Code** (the harness) is Apache-2.0, as ``pyproject.toml`` says; no code is
  uploaded.

A repository that holds any article text is labelled ``license: other`` with
a ``license_name`` and a ``license_link`` to its ``LICENSE.md``, which says
which of its files hold article text.  A repository that holds none (the
results repo without run folders) is plain ``cc-by-4.0``.  Both always ship
``LICENSE.md``.

Examples
--------
>>> card_license(holds_article_text=True)["license_link"]
'LICENSE.md'
>>> card_license(holds_article_text=False)
{'license': 'cc-by-4.0'}
"""

from __future__ import annotations

from benchmark.gold.schema import Corpus

OURS = "cc-by-4.0"
"""Licence of our work (annotations, translations as far as ours, results)."""
OURS_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_FILE = "LICENSE.md"
LICENSE_NAME = "cc-by-4.0-with-third-party-article-text"
"""``license_name`` of a repo that mixes our CC BY 4.0 work with the article text."""
CODE_LICENSE = "Apache-2.0"

DATASET_ARTICLE_FILES: tuple[tuple[str, str], ...] = (
    ("data/documents/test.parquet", "`text`: the full article"),
    ("data/mentions/test.parquet", "`text`: the words of each mention"),
    ("data/quotes/test.parquet", "`text` of every `content`, `cue` and `source` span"),
    ("data/stances/test.parquet", "`evidence.text`; `target_ar` where a target is named in the article's words"),
    ("data/targets/test.parquet", "`description_ar` where a target is named in the article's words"),
    ("data/translation/test.parquet", "`ar`: every segment of the article"),
    ("data/entities/test.parquet", "`name_ar`, `variants_ar`: names as the article writes them"),
    ("README.md", "the first words of each article, in the datasheet"),
    ("GUIDELINES.md", "short quoted examples"),
    ("ADJUDICATION.md", "short quoted examples"),
)
"""Files of the benchmark dataset repo that hold article text, and where in them."""
RESULTS_ARTICLE_FILES: tuple[tuple[str, str], ...] = (
    ("runs/*/*/predictions.jsonl", "what each system returned: the text of its spans, and the Arabic itself "
                                   "for a system that copies it (`copy`)"),
    ("runs/*/*/report.md", "quoted errors (missed and spurious quotes, worst segments)"),
    ("runs/*/*/report.html", "the full article, with gold and predicted spans highlighted"),
    ("runs/*/*/articles/*.html", "a corpus run's page of each article: its full text, highlighted, "
                                 "and the segments beside their translations"),
)
"""Files of the results repo (when run folders are uploaded) that hold article text."""


def card_license(*, holds_article_text: bool) -> dict[str, str]:
    """The card's licence metadata (``license``, and ``license_name``/``license_link`` for ``other``)."""
    if not holds_article_text:
        return {"license": OURS}
    return {"license": "other", "license_name": LICENSE_NAME, "license_link": LICENSE_FILE}


def _sources_table(corpus: Corpus) -> str:
    lines = ["| document | publisher | date | text SHA-256 |", "|---|---|---|---|"]
    for d in corpus.documents:
        md = dict(d.metadata)
        lines.append(f"| `{d.doc_id}` | {md.get('publisher', 'unknown')} | {md.get('date', 'undated')} | "
                     f"`{d.text_sha256}` |")
    return "\n".join(lines)


def _article_section(corpus: Corpus, article_files: tuple[tuple[str, str], ...], why_included: str) -> str:
    text = ("## 2. The article text: not ours, not under CC BY 4.0\n\n"
            "The Arabic text of the article(s) below, and every excerpt of it, belongs to its content "
            "provider. Press releases like these are distributed for republication (the distributor's "
            "disclaimer, part of the text, says the article is provided by a third-party content provider "
            "and that the distributor gives no warranties about it); no licence over the text is granted "
            "here. Follow the distributor's terms for anything beyond research and evaluation.\n\n"
            f"{_sources_table(corpus)}\n\n")
    if not article_files:
        return text + ("**This repository holds none of it**: the run folders, whose predictions and reports "
                       "quote the article, are not included. Everything here is covered by section 1.\n")
    rows = "\n".join(f"| `{path}` | {what} |" for path, what in article_files)
    return text + (f"{why_included} It appears in these files (everything else here is covered by "
                   f"section 1):\n\n| file | where |\n|---|---|\n{rows}\n")


def license_text(corpus: Corpus, *, what_is_ours: str, article_files: tuple[tuple[str, str], ...],
                 why_included: str = "") -> str:
    """The ``LICENSE.md`` of one repo: our part, the article's part (and where it is), the code.

    ``article_files`` lists ``(file pattern, where in it)`` for every file of
    the repo that holds article text (empty: the repo holds none);
    ``why_included`` says why it is there.
    """
    return (f"# Licence\n\nThis repository holds two kinds of material under two regimes.\n\n"
            f"## 1. Our work: CC BY 4.0\n\n{what_is_ours}\n\nLicensed under the Creative Commons Attribution "
            f"4.0 International licence ({OURS_URL}): share and adapt it, naming this repository as the "
            "source.\n\n"
            f"{_article_section(corpus, article_files, why_included)}\n"
            f"## 3. Code\n\nThe harness that built this repository is licensed {CODE_LICENSE}; no code is "
            "included here.\n")


DATASET_OURS = ("The annotations (every offset, label and id; entities, mentions, attribution relations, "
                "stances and the stance-target inventory), the English reference translations as far as "
                "they are our work, the annotation guidelines, the adjudication log, this card and "
                "`eval.yaml`.")
DATASET_WHY = ("It is included because every offset of the annotations points into it. The English reference "
               "translations are our work, but as translations of the article they are derivative works: "
               "CC BY 4.0 covers our contribution, not the provider's rights in the original.")
RESULTS_WHY = ("It is included because the run folders keep what each system returned and the reports show "
               "it against the article.")
RESULTS_OURS = ("The results: every score, confidence interval, signature and per-item statistic, the "
                "leaderboards, the run configurations and manifests, and this card.")

"""The dataset card (``README.md`` with YAML metadata) and datasheet.

The metadata is built with ``huggingface_hub``'s :class:`DatasetCardData`;
its ``dataset_info`` (features, split sizes in rows and bytes) and
``configs`` are written by ``datasets``' own ``DatasetInfosDict`` and
``MetadataConfigs`` from the very tables that are exported, so
``load_dataset(folder, config)`` reads them back without a warning.  Every
number in the card is computed here from the gold and the two raw annotation
passes; nothing is typed in by hand.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from benchmark.gold.schema import Corpus, QUOTE_TYPES, STANCE_LABELS
from benchmark.publish.licensing import card_license

PRETTY_NAME = "Arabic Quote Attribution (Riyadh talks, 2025)"
DEFAULT_CONFIG = "quotes"


def corpus_counts(corpus: Corpus) -> dict[str, object]:
    """Counts the card states (entities, mentions, quotes by type, …)."""
    quotes = [q for d in corpus.documents for q in d.quotes]
    stances = [s for d in corpus.documents for s in d.stances]
    return {
        "documents": len(corpus.documents),
        "entities": sum(len(d.entities) for d in corpus.documents),
        "speaker_entities": sum(len(d.speaker_ids) for d in corpus.documents),
        "mentions": sum(len(d.mentions) for d in corpus.documents),
        "quotes": len(quotes),
        "quotes_by_type": {t: Counter(q.type for q in quotes)[t] for t in QUOTE_TYPES},
        "implicit_speaker_quotes": sum(q.source is None for q in quotes),
        "nested_quotes": sum(q.nested_in is not None for q in quotes),
        "discontinuous_quotes": sum(len(q.content) > 1 for q in quotes),
        "stances": len(stances),
        "stances_by_label": {label: Counter(s.label for s in stances)[label] for label in STANCE_LABELS},
        "targets": len(corpus.targets),
        "segments": sum(len(d.segments) for d in corpus.documents),
        "segments_by_kind": dict(sorted(Counter(s.kind for d in corpus.documents for s in d.segments).items())),
    }


def card_data(tables: dict[str, Any]):
    """The card's :class:`~huggingface_hub.DatasetCardData`, with ``dataset_info`` and ``configs``.

    ``tables`` are the exported :func:`~benchmark.publish.parquet.layer_datasets`.
    """
    from datasets import DatasetInfo
    from datasets.info import DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    from benchmark.publish.parquet import CONFIGS, SPLIT

    data = DatasetCardData(
        pretty_name=PRETTY_NAME, language=["ar", "en"], **card_license(holds_article_text=True),
        # The passes were made by language-model annotation sessions (see the datasheet).
        annotations_creators=["machine-generated"], language_creators=["found"],
        multilinguality=["translation"], source_datasets=["original"], size_categories=["n<1K"],
        task_categories=["token-classification", "text-classification", "translation"],
        task_ids=["named-entity-recognition", "sentiment-classification"],
        tags=["quote-attribution", "stance-detection", "arabic", "news", "benchmark"],
    )
    infos = {}
    for name in CONFIGS:
        table = tables[name]
        splits = SplitDict()
        splits.add(SplitInfo(name=SPLIT, num_bytes=table.data.nbytes, num_examples=table.num_rows))
        infos[name] = DatasetInfo(features=table.features, splits=splits, dataset_size=table.data.nbytes)
    DatasetInfosDict(infos).to_dataset_card_data(data)
    MetadataConfigs({name: {"data_files": [{"split": SPLIT, "path": f"data/{name}/{SPLIT}.parquet"}],
                            **({"default": True} if name == DEFAULT_CONFIG else {})}
                     for name in CONFIGS}).to_dataset_card_data(data)
    return data


def _agreement_section(data_dir: Path) -> str:
    from benchmark.errors import InputError
    from benchmark.gold.loading import load_passes
    from benchmark.scoring.agreement import agreement_table, compute_agreement

    try:
        agr = compute_agreement(*load_passes(data_dir))
    except InputError:
        return "No raw annotation passes were found, so no agreement can be reported.\n"
    return agreement_table(agr)


def _intro(tables: dict[str, Any]) -> str:
    rows = "\n".join(f"| `{name}` | {_ROW_UNIT[name]} | {table.num_rows} |" for name, table in tables.items())
    return f"""# Arabic Quote Attribution: Riyadh talks (February 2025)

Gold, standoff annotation of a real Arabic news article for **quote attribution**
(who said what, with source, cue and content spans), **speaker mentions**,
**stance** of each quote towards concrete targets, and **English reference
translations** of every segment and quote. It is the evaluation set of the
`benchmark` harness (extraction systems and Arabic→English MT).

All spans are half-open `[start, end)` Python string (code point) offsets into
the exact article text (`documents.text`); the text is never normalised. A
span is a struct `{{start, end, text}}`; a quote's `content` is a list of them
(discontinuous quotes have several); an absent cue, source or evidence is
`null`. Label columns (`type`, `kind`, `label`) are class labels: the rows hold
the index, `ds.features["label"].int2str(i)` gives the name.

## Configs (split `test`)
| config | one row per | rows |
|---|---|---|
{rows}

```python
from datasets import load_dataset
quotes = load_dataset("<repo or folder>", "quotes", split="test")
```
"""


def _counts(c: dict[str, Any]) -> str:
    qt, sl = c["quotes_by_type"], c["stances_by_label"]
    kinds = ", ".join(f"{k} {v}" for k, v in c["segments_by_kind"].items())
    return f"""
## Counts
- documents: {c['documents']}; segments: {c['segments']} ({kinds})
- entities: {c['entities']} ({c['speaker_entities']} of them speak); mentions: {c['mentions']}
- quotes: {c['quotes']} — direct {qt['direct']}, indirect {qt['indirect']}, mixed {qt['mixed']};
  implicit speaker (pro-drop, no source span) {c['implicit_speaker_quotes']}; nested {c['nested_quotes']};
  discontinuous content {c['discontinuous_quotes']}
- stances: {c['stances']} — FAVOR {sl['FAVOR']}, AGAINST {sl['AGAINST']}, NONE {sl['NONE']}; over {c['targets']} targets
"""


def _agreement(data_dir: Path) -> str:
    return f"""
## Inter-annotator agreement
Two annotators worked independently from the guidelines and the text (raw
passes `data/passes/annotator_a` and `annotator_b` in the source repository),
then the passes were adjudicated into the gold (see `ADJUDICATION.md`).
Span F1 uses a one-to-one alignment of the two passes' spans (pass A as
reference; F1 is symmetric). Kappa is scikit-learn's `cohen_kappa_score` on
quotes matched across passes (type) and on (matched quote, target) pairs
annotated by both (stance).

{_agreement_section(data_dir)}"""


def _datasheet(corpus: Corpus, c: dict[str, Any]) -> str:
    sources = "\n".join(_source_line(d) for d in corpus.documents)
    n_docs = len(corpus.documents)
    n_chars = sum(len(d.text) for d in corpus.documents)
    return f"""
## Datasheet
- **Sources.** Gold version (checksum over gold files, texts and targets) `{corpus.sha256}`.
{sources}
- **What is annotated.** Entities (PER, ORG, GPE, GROUP) with Arabic and English names and every
  named, nominal and metonymic mention; attribution relations (PARC model) with content (a list of
  spans, discontinuous allowed), cue, source (or none for pro-drop), resolved speaker, type
  direct/indirect/mixed and nesting; stances (FAVOR/AGAINST/NONE, SemEval-2016 sense) with evidence
  spans over an inventory of {c['targets']} targets; {c['segments']} segments with English references.
  The publisher's boilerplate is segmented and translated but carries no attribution annotation;
  sub-headlines that paraphrase a quote without a cue are not quotes. Full rules: `GUIDELINES.md`.
- **Who annotated what.** Entities, mentions, quotes and stances: two independent raw passes, each
  by an AI language-model session that saw only the guidelines and the text, adjudicated by the
  project's engineering assistant (also a language model); the guideline v1.2 decisions and their
  changes to the gold (`ADJUDICATION.md`) were made the same way. English references: a separate
  language-model session instructed to translate itself (no machine-translation system or API was
  used), reconciled with the quote references in v1.2. **Reviewed by people: {_reviewed(corpus)}.**
  Because the two passes come from the same kind of model, their agreement overstates what two
  human annotators would reach; a human review is the most valuable next step.
- **Contributing a review.** In the source repository, `python -m benchmark annotate export` writes
  the gold as Label Studio tasks with a labeling configuration; a reviewer corrects them in Label
  Studio, `python -m benchmark annotate import` turns the export back into gold JSON checked like
  `check-data`, and `python -m benchmark agreement --a … --b …` compares reviewers before
  adjudication (`docs/ANNOTATION.md`). New articles enter the same way
  (`python -m benchmark add-article`).
- **Known limitations.** {n_docs} article{'s' if n_docs != 1 else ''} (~{n_chars:,} characters): confidence intervals are wide and
  stance classes are small; a single news genre and topic; the Arabic appears to be translated from an
  English original (Latin-script names such as «Kirill Dmitriev» are left untranslated); spans
  follow one set of guidelines (complementizers and quotation marks outside the content), and scores
  of systems trained on other conventions should be read with partial and proportional schemes.
- **Licence.** Two regimes, spelled out in `LICENSE.md`: the annotations, the English reference
  translations (as far as they are our work), the guidelines and this card are CC BY 4.0; the
  article text is not ours and not under CC BY 4.0. It is a press release distributed for
  republication (its own disclaimer says it comes from a third-party content provider and that the
  distributor gives no warranties); the rights remain with its content provider. `LICENSE.md`
  lists every file and column that holds article text.
"""


def dataset_card(corpus: Corpus, *, data_dir: Path, tables: dict[str, Any] | None = None) -> str:
    """The full ``README.md`` text of the dataset repo (``tables`` as exported, built when ``None``)."""
    from benchmark.publish.parquet import layer_datasets

    tables = tables if tables is not None else layer_datasets(corpus)
    c = corpus_counts(corpus)
    body = _intro(tables) + _counts(c) + _agreement(data_dir) + _datasheet(corpus, c)
    return f"---\n{card_data(tables).to_yaml()}\n---\n\n{body}"


def _reviewed(corpus: Corpus) -> str:
    """Who reviewed the gold, from each document's ``metadata.reviewed_by``."""
    names = [f"{d.doc_id}: {dict(d.metadata)['reviewed_by']}" for d in corpus.documents
             if dict(d.metadata).get("reviewed_by")]
    return "; ".join(names) if names else "none yet"


def _source_line(doc) -> str:
    md = dict(doc.metadata)
    first = doc.segments[0].span.text[:90] if doc.segments else doc.text[:90]
    return (f"  - `{doc.doc_id}`: {md.get('publisher', 'unknown publisher')}, {md.get('date', 'undated')}: "
            f"«{first}…» (text SHA-256 `{doc.text_sha256}`)")


_ROW_UNIT = {
    "documents": "article (full text)",
    "entities": "entity",
    "mentions": "entity mention (span)",
    "quotes": "attribution relation",
    "stances": "(quote, target) stance",
    "targets": "stance target",
    "translation": "segment with English reference",
}

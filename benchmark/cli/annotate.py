"""``annotate`` (Label Studio round trip) and ``add-article``.

``annotate export`` writes tasks and the labeling configuration;
``annotate import`` checks a Label Studio export and writes gold JSON;
``annotate config`` prints the configuration; ``annotate push`` / ``pull``
create a project from exported tasks and download its export. ``add-article``
stores a new article with its skeleton and writes its tasks. User errors raise
:class:`~benchmark.errors.BenchmarkError` (exit code 2); problems in an
import are all listed (exit code 1) and nothing is written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from benchmark.errors import InputError

DEFAULT_OUT = Path("results/annotation")


def add_parsers(sub) -> None:
    """The ``annotate`` sub-commands (called by :func:`benchmark.cli.main._parser`)."""
    ann = sub.add_subparsers(dest="annotate_command", metavar="ACTION", required=True)
    ex = ann.add_parser("export", help="write Label Studio tasks (gold or a run's predictions as pre-annotations)")
    ex.add_argument("--doc", action="append", dest="docs", metavar="DOC_ID", help="only this document (repeatable)")
    ex.add_argument("--run", default=None, help="a run folder: its predictions.jsonl become the pre-annotations")
    ex.add_argument("--out", default=None, help=f"output folder (default: {DEFAULT_OUT}/<gold-sha|system-run>)")
    ex.add_argument("--data-dir", default=None)
    im = ann.add_parser("import", help="turn a Label Studio JSON export into gold JSON, checked like check-data")
    im.add_argument("export", help="the JSON export (Export → JSON in Label Studio, or `annotate pull`)")
    im.add_argument("--out", required=True, help="folder for <doc_id>.json (e.g. data/passes/reviewer_x)")
    im.add_argument("--annotator", default=None, help="the Label Studio user id whose annotations to take")
    im.add_argument("--predictions", action="store_true", help="import the pre-annotations, not the annotations")
    im.add_argument("--reviewed-by", default=None, metavar="WHO",
                    help="record a human review in metadata.reviewed_by (the dataset card lists it)")
    im.add_argument("--data-dir", default=None)
    co = ann.add_parser("config", help="print the labeling configuration (XML)")
    co.add_argument("--data-dir", default=None)
    pu = ann.add_parser("push", help="create a Label Studio project from exported tasks (token: $LABEL_STUDIO_API_KEY)")
    pu.add_argument("folder", help="a folder written by `annotate export` or `add-article`")
    pu.add_argument("--url", default=None, help="Label Studio URL (default: $LABEL_STUDIO_URL)")
    pu.add_argument("--title", default=None, help="project title, 3 characters or more (default: review <folder>)")
    pl = ann.add_parser("pull", help="download a project's JSON export (token: $LABEL_STUDIO_API_KEY)")
    pl.add_argument("project", type=int, help="the project id")
    pl.add_argument("--out", required=True, help="the export file to write")
    pl.add_argument("--url", default=None, help="Label Studio URL (default: $LABEL_STUDIO_URL)")


def add_article_parser(sp) -> None:
    sp.add_argument("path", help="the article, UTF-8 text")
    sp.add_argument("--doc-id", required=True, help="the new document id, e.g. 001_<source hash>")
    sp.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE", help="metadata (repeatable)")
    sp.add_argument("--boilerplate-from", default=None, metavar="TEXT",
                    help="where the publisher's boilerplate starts (its first occurrence)")
    sp.add_argument("--data-dir", default=None, help="the corpus folder (default: the repository's data/)")
    sp.add_argument("--tasks-out", default=None, help=f"folder for its tasks (default: {DEFAULT_OUT}/<doc_id>)")


def _data_dir(value: str | None) -> Path:
    from benchmark.gold.loading import default_data_dir

    return Path(value) if value else default_data_dir()


def _write_tasks(out: Path, tasks: list, targets) -> None:
    from benchmark.annotate.config import label_config
    from benchmark.common.atomic import write_text_atomic

    write_text_atomic(out / "tasks.json", json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    write_text_atomic(out / "label_config.xml", label_config(targets))
    print(f"wrote {out / 'tasks.json'} ({len(tasks)} task(s)) and {out / 'label_config.xml'}")


def cmd_export(args: argparse.Namespace) -> int:
    from benchmark.annotate.predictions import prediction_document, read_run
    from benchmark.annotate.tasks import document_task
    from benchmark.errors import GoldDataError
    from benchmark.gold.check import check_data
    from benchmark.gold.loading import load_corpus

    data_dir = _data_dir(args.data_dir)
    problems = check_data(data_dir)
    if problems:
        raise GoldDataError(f"the gold data fails check-data ({len(problems)} problem(s)); first: {problems[0]}; "
                            f"see `python -m benchmark check-data --data-dir {data_dir}`")
    corpus = load_corpus(data_dir, include_unannotated=True)  # an unfinished review is exported again
    docs = list(corpus.documents)
    if args.docs:
        known = {d.doc_id for d in docs}
        for doc_id in args.docs:
            if doc_id not in known:
                from benchmark.common.registry import unknown_name_message

                raise InputError(unknown_name_message("document", doc_id, sorted(known)), field="--doc")
        docs = [d for d in docs if d.doc_id in args.docs]
    text_file = {d.doc_id: f"articles/{d.doc_id}.txt" for d in docs}
    if args.run:
        preds, label = read_run(args.run, corpus=corpus)
        docs = [prediction_document(preds[d.doc_id], d) for d in docs if d.doc_id in preds]
        name = label.replace(" ", "-")
    else:
        label, name = f"gold {corpus.sha256[:12]}", f"gold-{corpus.sha256[:12]}"
    tasks = [document_task(d, text_file=text_file[d.doc_id], model_version=label) for d in docs]
    _write_tasks(Path(args.out) if args.out else DEFAULT_OUT / name, tasks, corpus.targets)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from benchmark.annotate.importing import import_export, write_documents

    data_dir = _data_dir(args.data_dir)
    docs, problems = import_export(Path(args.export), data_dir=data_dir, annotator=args.annotator,
                                   source="predictions" if args.predictions else "annotations")
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        print(f"annotate import: {len(problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    if args.reviewed_by is not None:
        docs = [_reviewed(d, args.reviewed_by) for d in docs]
    for path, d in zip(write_documents(docs, Path(args.out)), docs):
        doc = d.doc
        print(f"{doc.doc_id} ({doc.status}): {len(doc.entities)} entities, {len(doc.mentions)} mentions, "
              f"{len(doc.quotes)} quotes, {len(doc.stances)} stances, {len(doc.segments)} segments -> {path}")
    return 0


def _reviewed(imported, who: str):
    """``imported`` with ``who`` added to its ``metadata.reviewed_by``."""
    from dataclasses import replace

    who = who.strip()
    if not who or "\n" in who or len(who) > 200 or ";" in who:
        raise InputError("expected one line of at most 200 characters without ';'", field="--reviewed-by")
    meta = dict(imported.doc.metadata)
    previous = [x.strip() for x in meta.get("reviewed_by", "").split(";") if x.strip()]
    meta["reviewed_by"] = "; ".join(dict.fromkeys([*previous, who]))
    return replace(imported, doc=replace(imported.doc, metadata=tuple(sorted(meta.items()))))


def cmd_config(args: argparse.Namespace) -> int:
    from benchmark.annotate.config import label_config
    from benchmark.gold.loading import load_targets

    print(label_config(load_targets(_data_dir(args.data_dir))), end="")
    return 0


def _client(url: str | None):
    from benchmark.annotate.client import TOKEN_ENV, URL_ENV, LabelStudio

    url = url or os.environ.get(URL_ENV, "")
    if not url:
        raise InputError(f"give --url or set {URL_ENV}", field="--url")
    return LabelStudio(url, os.environ.get(TOKEN_ENV, ""))


def cmd_push(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not (folder / "tasks.json").is_file() or not (folder / "label_config.xml").is_file():
        raise InputError("expected tasks.json and label_config.xml (written by `annotate export`)", file=str(folder))
    ls = _client(args.url)
    project = ls.create_project(title=args.title or f"review {folder.name}",
                                label_config=(folder / "label_config.xml").read_text(encoding="utf-8"))
    n = ls.import_tasks(project, json.loads((folder / "tasks.json").read_text(encoding="utf-8")))
    print(f"project {project}: {n} task(s) imported; open {ls.url}/projects/{project}/data")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from benchmark.common.atomic import write_text_atomic

    tasks = _client(args.url).export(args.project)
    write_text_atomic(Path(args.out), json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {args.out} ({len(tasks)} task(s))")
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    """``annotate ACTION``: dispatch to the action."""
    handlers = {"export": cmd_export, "import": cmd_import, "config": cmd_config, "push": cmd_push, "pull": cmd_pull}
    return handlers[args.annotate_command](args)


def _meta(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"expected KEY=VALUE, got {pair!r}", field="--meta")
        if key.strip() in ("status", "guidelines"):
            raise InputError(f"{key.strip()!r} is set by add-article", field="--meta")
        out[key.strip()] = value
    return out


def cmd_add_article(args: argparse.Namespace) -> int:
    """``add-article FILE.txt --doc-id ID``: a new article, its skeleton and its tasks."""
    from benchmark.annotate.articles import add_article
    from benchmark.annotate.tasks import document_task
    from benchmark.gold.loading import DATA_DIR, load_targets

    if args.data_dir is None and not DATA_DIR.is_dir():
        raise InputError("this is an installed copy without the repository's data/ folder: "
                         "give --data-dir for the corpus to add to", field="--data-dir")
    data_dir = _data_dir(args.data_dir)
    added = add_article(Path(args.path), doc_id=args.doc_id, data_dir=data_dir, meta=_meta(args.meta),
                        boilerplate_marker=args.boilerplate_from)
    for path in added.written:
        print(f"wrote {path}")
    doc = added.doc
    print(f"{doc.doc_id}: {len(doc.segments)} segments, sha256 {doc.text_sha256}, status unannotated")
    task = document_task(doc, text_file=added.text_file, model_version="skeleton")
    _write_tasks(Path(args.tasks_out) if args.tasks_out else DEFAULT_OUT / doc.doc_id, [task], load_targets(data_dir))
    return 0

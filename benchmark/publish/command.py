"""``python -m benchmark publish [hub.key=value …]``: build, list, upload, record.

1. Settings: ``configs/hub/default.yaml`` + overrides (:mod:`.config`).
2. Refuse a ``hub.out_dir`` that publish did not build (:mod:`.guard`), then
   read the run folders as the leaderboard does (:mod:`.runs`: unreadable ones
   are skipped with a note), choose the corpus they were made on
   (``paths.data_dir``, else the one the runs recorded; several are refused,
   :mod:`benchmark.leaderboard.corpus`), select the runs to publish
   (``hub.runs``, else the leaderboard's rule) and print what was selected and
   why; build ``<out_dir>/dataset``, ``<out_dir>/results`` and, for a system
   that is a Hub model, ``<out_dir>/model_card`` (:mod:`.build`).
3. Dry run (no token, no repo id, or ``hub.dry_run=true``): list every file
   that would be uploaded.  Otherwise upload each repo in one commit
   (:mod:`.upload`), dataset first.
4. Record what happened in ``<out_dir>/publish_manifest.json``: per repo the
   files with sizes and checksums, and the commit SHA and URL only for a
   commit that landed.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError, InputError
from benchmark.common.registry import unknown_name_message
from benchmark.publish.build import BuiltFolders, build_hub_folders, write_json_atomic
from benchmark.publish.config import PublishSettings, load_settings
from benchmark.publish.guard import MANIFEST, check_publish_out_dir
from benchmark.publish.runs import EXPLICIT_RULE, RunRecord, RunSet, candidates, read_runs, select
from benchmark.errors import PublishError
from benchmark.publish.upload import check_token_absent, commit_folder, list_files, make_client, resolve_token

NO_TOKEN = "no token found: set HF_TOKEN or run `hf auth login`"


def cmd_publish(args: argparse.Namespace) -> int:
    """CLI entry: parse ``args.overrides`` and publish."""
    return publish(load_settings(list(getattr(args, "overrides", None) or [])))


def _mode(settings: PublishSettings, token: str | None) -> tuple[bool, str]:
    """``(dry_run, why)``; raises when an upload was demanded but cannot happen."""
    targets = settings.repo_id or settings.results_repo_id
    if settings.dry_run is True:
        return True, "hub.dry_run=true"
    if settings.dry_run is False:
        if not targets:
            raise ConfigError("hub.dry_run=false needs hub.repo_id and/or hub.results_repo_id", field="hub.repo_id")
        if token is None:
            raise PublishError(f"cannot upload: {NO_TOKEN}")
        return False, "hub.dry_run=false"
    if token is None:
        return True, NO_TOKEN
    if not targets:
        return True, "no hub.repo_id or hub.results_repo_id given"
    return False, "token and repo ids present"


def _select(settings: PublishSettings):
    """The runs to publish and the corpus they were made on (``(RunSet, CorpusChoice)``)."""
    from benchmark.leaderboard.corpus import choose_corpus

    results_dir = Path(settings.results_dir)
    records, skipped = read_runs(results_dir)
    pool = candidates(records, systems=settings.systems, runs=settings.runs)
    choice = choose_corpus([r.path for r in pool], data_dir=settings.data_dir, field="paths.data_dir",
                           root=results_dir)
    runs = select(records, pool, gold_sha256=choice.corpus.sha256, explicit=settings.runs is not None,
                  skipped=skipped)
    return runs, choice


def _model_results(settings: PublishSettings, runs: RunSet) -> dict[str, RunRecord] | None:
    """Task → run whose main metric the model-card entries report: ``hub.run``'s tasks, else ``latest``.

    Only published runs qualify, so every entry points at rows of the results dataset.
    """
    if settings.system is None:
        return None
    by_label = {r.label: r.system for r in runs.records()}
    system = by_label.get(settings.system, settings.system)
    if system not in runs.by_system:
        raise ConfigError(unknown_name_message(f"system with a published run against gold {runs.gold_sha256[:12]}",
                                               settings.system, runs.by_system), field="hub.system")
    if settings.run is None:
        return runs.latest(system)
    by_name = {r.run_name: r for r in runs.by_system[system]}
    if settings.run not in by_name:
        raise ConfigError(unknown_name_message(f"published run of {system}", settings.run, by_name)
                          + " (list it in hub.runs to publish it)", field="hub.run")
    run = by_name[settings.run]
    return {task: run for task in run.tasks}


def _model_kwargs(settings: PublishSettings, results: dict[str, RunRecord] | None, pretty_name: str,
                  dataset_revision: str | None = None) -> dict[str, Any] | None:
    if results is None:
        return None
    return {"results": results, "model_id": settings.model_id, "dataset_id": settings.repo_id,
            "dataset_name": pretty_name, "evaluation_framework": settings.evaluation_framework,
            "results_repo_id": settings.results_repo_id, "dataset_revision": dataset_revision,
            "metrics": settings.model_index_metrics}


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError  # unreachable


def _repo_entries(settings: PublishSettings, built: BuiltFolders) -> list[dict[str, Any]]:
    out = []
    for role, repo_id in (("dataset", settings.repo_id), ("results", settings.results_repo_id)):
        if not built.has(role):
            continue
        files = list_files(built.folder(role))
        out.append({"role": role, "repo_id": repo_id, "repo_type": "dataset", "folder": str(built.folder(role)),
                    "files": [{"path": f.path_in_repo, "size": f.size, "sha256": f.sha256} for f in files],
                    "n_files": len(files), "bytes": sum(f.size for f in files), "status": "built",
                    "commit_sha": None, "commit_url": None, "url": None, "error": None, "_files": files})
    return out


def _manifest(settings, built, repos, *, dry_run: bool, why: str, choice, runs: RunSet) -> dict[str, Any]:
    from benchmark.common.version import __version__
    from benchmark.leaderboard.corpus import describe_choice

    card = None
    if built.model_card_runs:
        folder = built.folder("model_card")
        card = {"model_id": settings.model_id, "system": settings.system,
                "runs": {task: r.run_id for task, r in built.model_card_runs.items()},
                "folder": str(folder), "files": [f.path_in_repo for f in list_files(folder)]}
    return {
        "created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dry_run": dry_run, "mode": why, "benchmark_version": __version__, "gold_sha256": choice.corpus.sha256,
        "corpus": describe_choice(choice), "settings": settings.resolved(),
        "selection": {"rule": runs.rule,
                      "selected": [{"run_id": r.run_id, "why": runs.why[r.run_id]} for r in runs.records()],
                      "not_selected": [{"run_id": rid, "why": w} for rid, w in runs.not_selected]},
        "runs": {system: [r.run_id for r in records] for system, records in runs.by_system.items()},
        "latest": {system: {t: r.run_id for t, r in runs.latest(system).items()} for system in runs.by_system},
        "skipped": [{"path": str(path), "reason": why} for path, why in runs.skipped],
        "repos": [{k: v for k, v in r.items() if not k.startswith("_")} for r in repos],
        "model_card": card,
    }


def _print_listing(repos: list[dict[str, Any]], built: BuiltFolders, settings: PublishSettings) -> None:
    for r in repos:
        target = r["repo_id"] or f"(no hub.{'repo_id' if r['role'] == 'dataset' else 'results_repo_id'} given)"
        print(f"{r['role']} -> {target}: {r['n_files']} files, {_size(r['bytes'])}")
        for f in r["files"]:
            print(f"  {f['size']:>12,}  {f['path']}")
    if built.model_card_runs:
        used = ", ".join(sorted({r.run_id for r in built.model_card_runs.values()}))
        print(f"model card entries for {settings.model_id} (run {used}), not uploaded by publish:")
        for f in list_files(built.folder("model_card")):
            print(f"  {f.size:>12,}  {built.folder('model_card') / f.path_in_repo}")


def _reason_kind(why: str) -> str:
    for start, kind in (("a newer run", "superseded by a newer run"), ("scored against another gold",
                        "against another gold"), ("system not in", "system not in hub.systems"),
                        ("not listed", "not listed in hub.runs")):
        if why.startswith(start):
            return kind
    return why


def _print_selection(runs: RunSet, choice) -> None:
    """What is published and why; what is not, counted by reason; skipped folders."""
    print(f"corpus: {choice.how}; gold {choice.corpus.sha256[:12]}")
    rule = ("listed in hub.runs" if runs.rule == EXPLICIT_RULE else
            "by the leaderboard's rule: for each system and task, the newest run against this gold")
    print(f"selected {runs.n_runs()} run(s) {rule}:")
    for r in runs.records():
        print(f"  {r.run_id}: {runs.why[r.run_id]}")
    if runs.not_selected:
        kinds: dict[str, int] = {}
        for _, why in runs.not_selected:
            kinds[_reason_kind(why)] = kinds.get(_reason_kind(why), 0) + 1
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        print(f"not selected: {len(runs.not_selected)} run(s) ({counted}); each is listed with its reason "
              f"in {MANIFEST}")
    for path, why in runs.skipped:
        print(f"note: skipped run folder {path}: {why}")


def publish(settings: PublishSettings) -> int:
    """Build the Hub folders and upload them when a token and repo ids are present."""
    from benchmark.publish.dataset_card import PRETTY_NAME, dataset_card
    from benchmark.publish.parquet import layer_datasets

    token = resolve_token()
    if token and token in json.dumps(settings.resolved()):
        raise ConfigError("a setting contains the Hub token; tokens only come from HF_TOKEN or `hf auth login`")
    dry_run, why = _mode(settings, token)
    out_dir = Path(settings.out_dir)
    check_publish_out_dir(out_dir)  # before anything is read or built
    runs, choice = _select(settings)
    _print_selection(runs, choice)
    if not runs and settings.results_repo_id and not dry_run:
        raise InputError("no finished run folders to publish (run `python -m benchmark run` first)",
                         file=settings.results_dir)
    model_results = _model_results(settings, runs)
    corpus, tables = choice.corpus, layer_datasets(choice.corpus)
    built = build_hub_folders(
        corpus=corpus, card=dataset_card(corpus, data_dir=choice.data_dir, tables=tables), runs=runs,
        out_dir=out_dir, pretty_name=PRETTY_NAME, evaluation_framework=settings.evaluation_framework,
        dataset_repo_id=settings.repo_id, results_repo_id=settings.results_repo_id,
        leaderboard_dir=Path(settings.leaderboard_dir), include_run_files=settings.include_run_files,
        data_dir=choice.data_dir, tables=tables, model=_model_kwargs(settings, model_results, PRETTY_NAME))
    for name in ("dataset", "results", "model_card"):
        if built.has(name):
            check_token_absent(built.folder(name), token)
    repos = _repo_entries(settings, built)
    if not runs:
        print(f"note: no finished run folders under {settings.results_dir}; results folder not built")
    manifest_path = out_dir / MANIFEST
    if dry_run:
        print(f"dry run ({why}): nothing uploaded")
        for r in repos:
            r["status"] = "dry_run"
        _print_listing(repos, built, settings)
        write_json_atomic(manifest_path, _manifest(settings, built, repos, dry_run=True, why=why, choice=choice,
                                                   runs=runs))
        print(f"wrote {manifest_path}")
        return 0
    return _upload(settings, built, repos, token=token, why=why, choice=choice, runs=runs,
                   model_results=model_results, manifest_path=manifest_path)


def _commit_all(settings, built, repos, *, token, choice, runs, model_results) -> None:
    from benchmark.publish.dataset_card import PRETTY_NAME
    from benchmark.publish.model_card import write_model_card_files

    api = make_client(token)
    targets = [r for r in repos if r["repo_id"]]
    for r in repos:
        if not r["repo_id"]:
            r["status"] = "not_requested"
    for i, r in enumerate(targets):
        message = (f"Publish gold {choice.corpus.sha256[:12]}" if r["role"] == "dataset"
                   else f"Publish results: {runs.n_runs()} run(s) of {len(runs.by_system)} system(s)")
        try:
            rec = commit_folder(api, repo_id=r["repo_id"], folder=built.folder(r["role"]), files=r["_files"],
                                private=settings.private, commit_message=message, token=token)
        except PublishError as exc:
            r["status"], r["error"] = "failed", exc.message
            for later in targets[i + 1:]:
                later["status"] = "not_attempted"
            raise
        r.update(status="committed", commit_sha=rec.commit_sha, commit_url=rec.commit_url, url=rec.repo_url)
        if r["role"] == "dataset" and model_results is not None:
            # Pin the model-card entries to the dataset commit that just landed.
            kwargs = _model_kwargs(settings, model_results, PRETTY_NAME, dataset_revision=rec.commit_sha)
            write_model_card_files(kwargs.pop("results"), built.folder("model_card"), **kwargs)


def _upload(settings, built, repos, *, token, why, choice, runs, model_results, manifest_path) -> int:
    try:
        _commit_all(settings, built, repos, token=token, choice=choice, runs=runs, model_results=model_results)
    except PublishError as exc:
        write_json_atomic(manifest_path, _manifest(settings, built, repos, dry_run=False, why=why, choice=choice,
                                                   runs=runs))
        failed = next(r for r in repos if r["status"] == "failed")
        landed = [f"{x['repo_id']} ({x['commit_sha'][:8]})" for x in repos if x["status"] == "committed"]
        tail = f"; already committed: {', '.join(landed)}" if landed else ""
        raise PublishError(f"upload to {failed['repo_id']} failed, nothing committed there: {exc.message}{tail}") \
            from None
    write_json_atomic(manifest_path, _manifest(settings, built, repos, dry_run=False, why=why, choice=choice,
                                               runs=runs))
    for r in repos:
        if r["status"] == "committed":
            print(f"{r['role']}: {r['url']} (commit {r['commit_sha'][:8]}: {r['commit_url']})")
    if built.model_card_runs:
        print(f"model card entries for {settings.model_id}: {built.folder('model_card')} "
              f"(open a pull request on the model repo with them; see docs/PUBLISHING.md)")
    print(f"wrote {manifest_path}")
    return 0

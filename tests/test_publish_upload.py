"""The upload path of `python -m benchmark publish`, with HfApi replaced by a recording fake.

Nothing reaches the network: ``huggingface_hub.HfApi`` is monkeypatched, HF_HUB_OFFLINE
is set, and the token is a fake value whose absence from every written file and from
the console is checked byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest
import yaml
from test_publish import RUNS, make_runs, offline_env, publish_args

from benchmark.cli.main import main
from benchmark.publish.upload import failure_reason, scrub

SECRET = "hf_SECRETtoken123"
REPOS = ("hub.repo_id=org/arabic-quotes", "hub.results_repo_id=org/arabic-quotes-results")


def http_error(status: int, message: str):
    """A huggingface_hub HTTP error as the client raises it (no real response needed)."""
    from huggingface_hub.errors import HfHubHTTPError

    response = SimpleNamespace(status_code=status, headers={}, request=None)
    return HfHubHTTPError(message, response=response, server_message=message)


class FakeHub:
    """Stands in for huggingface_hub.HfApi and records every call."""

    calls: ClassVar[list[tuple]] = []
    fail: ClassVar[dict[str, BaseException]] = {}
    tokens: ClassVar[list[str | None]] = []

    def __init__(self, token=None, **kwargs):
        FakeHub.tokens.append(token)

    def create_repo(self, repo_id, *, repo_type=None, private=False, exist_ok=False, **kwargs):
        FakeHub.calls.append(("create_repo", repo_id, repo_type, private, exist_ok))
        return f"https://huggingface.co/datasets/{repo_id}"

    def create_commit(self, repo_id, operations, *, commit_message, repo_type=None, **kwargs):
        ops = list(operations)
        FakeHub.calls.append(("create_commit", repo_id, repo_type, commit_message, ops))
        if repo_id in FakeHub.fail:
            raise FakeHub.fail[repo_id]
        sha = hashlib.sha1(repo_id.encode()).hexdigest()
        return SimpleNamespace(oid=sha, commit_url=f"https://huggingface.co/datasets/{repo_id}/commit/{sha}")


@pytest.fixture()
def hub(monkeypatch, tmp_path):
    import huggingface_hub

    offline_env(monkeypatch, tmp_path, token=SECRET)
    FakeHub.calls, FakeHub.fail, FakeHub.tokens = [], {}, []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeHub)
    make_runs(tmp_path / "runs")
    (tmp_path / "leaderboard.json").write_text('{"rows": []}\n', encoding="utf-8")
    return tmp_path


def commits() -> dict[str, list]:
    return {c[1]: c for c in FakeHub.calls if c[0] == "create_commit"}


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def assert_secret_nowhere(root: Path, captured) -> None:
    needle = SECRET.encode()
    leaked = [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]
    assert leaked == []
    assert SECRET not in captured.out and SECRET not in captured.err


def test_one_atomic_commit_per_repo_with_every_built_file(hub, capsys):
    args = publish_args(hub, *REPOS, "hub.model_id=org/my-tagger", "hub.system=my-tagger")
    assert main(args) == 0
    out_dir = hub / "hub"
    done = commits()
    assert list(done) == ["org/arabic-quotes", "org/arabic-quotes-results"]  # dataset first, one commit each
    assert [c[0] for c in FakeHub.calls] == ["create_repo", "create_commit", "create_repo", "create_commit"]
    assert all(c[2] == "dataset" for c in FakeHub.calls)
    assert all(c[4] is True for c in FakeHub.calls if c[0] == "create_repo")  # exist_ok
    for repo, folder in (("org/arabic-quotes", "dataset"), ("org/arabic-quotes-results", "results")):
        ops = done[repo][4]
        assert {op.path_in_repo for op in ops} == files_under(out_dir / folder)
        assert all(Path(op.path_or_fileobj).is_relative_to(out_dir / folder) for op in ops)
    assert {"eval.yaml", "README.md", "data/quotes/test.parquet"} <= {op.path_in_repo for op in done["org/arabic-quotes"][4]}
    assert "leaderboard.json" in {op.path_in_repo for op in done["org/arabic-quotes-results"][4]}
    assert FakeHub.tokens == [SECRET]  # the token goes to HfApi and nowhere else

    manifest = json.loads((out_dir / "publish_manifest.json").read_text())
    assert manifest["dry_run"] is False
    repos = {r["repo_id"]: r for r in manifest["repos"]}
    for repo in done:
        sha = hashlib.sha1(repo.encode()).hexdigest()
        assert repos[repo]["status"] == "committed" and repos[repo]["commit_sha"] == sha
        assert repos[repo]["commit_url"].endswith(f"/commit/{sha}")
        assert repos[repo]["url"] == f"https://huggingface.co/datasets/{repo}"
    # The model-card entries are pinned to the dataset commit that landed.
    entries = yaml.safe_load((out_dir / "model_card" / ".eval_results" / "arabic-quotes.yaml").read_text())
    assert {e["dataset"]["revision"] for e in entries} == {hashlib.sha1(b"org/arabic-quotes").hexdigest()}

    captured = capsys.readouterr()
    assert "https://huggingface.co/datasets/org/arabic-quotes-results" in captured.out
    assert_secret_nowhere(hub, captured)


def test_only_the_requested_repo_is_uploaded(hub, capsys):
    assert main(publish_args(hub, "hub.results_repo_id=org/arabic-quotes-results")) == 0
    assert list(commits()) == ["org/arabic-quotes-results"]
    manifest = json.loads((hub / "hub" / "publish_manifest.json").read_text())
    assert [(r["role"], r["status"]) for r in manifest["repos"]] == [("dataset", "not_requested"),
                                                                     ("results", "committed")]
    assert_secret_nowhere(hub, capsys.readouterr())


def test_no_token_means_dry_run_and_no_client(monkeypatch, tmp_path, capsys):
    import huggingface_hub

    offline_env(monkeypatch, tmp_path)  # get_token → None
    FakeHub.calls, FakeHub.tokens = [], []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeHub)
    make_runs(tmp_path / "runs")
    assert main(publish_args(tmp_path, *REPOS)) == 0
    assert FakeHub.calls == [] and FakeHub.tokens == []
    assert "dry run (no token found" in capsys.readouterr().out


def test_forcing_an_upload_without_a_token_fails_in_one_line(monkeypatch, tmp_path, capsys):
    offline_env(monkeypatch, tmp_path)
    make_runs(tmp_path / "runs")
    assert main(publish_args(tmp_path, *REPOS, "hub.dry_run=false")) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: cannot upload: no token found: set HF_TOKEN or run `hf auth login`"
    assert not (tmp_path / "hub").exists()


def test_dry_run_true_with_a_token_uploads_nothing(hub, capsys):
    assert main(publish_args(hub, *REPOS, "hub.dry_run=true")) == 0
    assert FakeHub.calls == [] and FakeHub.tokens == []
    assert_secret_nowhere(hub, capsys.readouterr())


@pytest.mark.parametrize("status, words", [
    (403, "no permission to write to org/arabic-quotes (HTTP 403)"),
    (401, "no permission: the Hub rejected the token (HTTP 401)"),
])
def test_permission_error_is_one_clear_line_and_claims_nothing(hub, capsys, status, words):
    FakeHub.fail["org/arabic-quotes"] = http_error(status, f"Forbidden for token {SECRET}")
    assert main(publish_args(hub, *REPOS)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: upload to org/arabic-quotes failed, nothing committed")
    assert words in lines[0] and "already committed" not in lines[0]
    assert list(commits()) == ["org/arabic-quotes"]  # stopped: the results repo was not attempted
    manifest = json.loads((hub / "hub" / "publish_manifest.json").read_text())
    repos = {r["role"]: r for r in manifest["repos"]}
    assert (repos["dataset"]["status"], repos["results"]["status"]) == ("failed", "not_attempted")
    assert all(r["commit_sha"] is None and r["commit_url"] is None for r in repos.values())
    assert words in repos["dataset"]["error"]
    assert "https://" not in captured.out  # no URL printed as if published
    assert_secret_nowhere(hub, captured)


def test_a_later_failure_reports_what_already_landed(hub, capsys):
    FakeHub.fail["org/arabic-quotes-results"] = http_error(500, f"Internal error near {SECRET}")
    assert main(publish_args(hub, *REPOS)) == 2
    captured = capsys.readouterr()
    assert "upload to org/arabic-quotes-results failed" in captured.err
    assert "(HTTP 500)" in captured.err and "***" in captured.err
    assert "already committed: org/arabic-quotes (" in captured.err
    repos = {r["role"]: r for r in json.loads((hub / "hub" / "publish_manifest.json").read_text())["repos"]}
    assert repos["dataset"]["status"] == "committed" and repos["results"]["status"] == "failed"
    assert repos["results"]["commit_sha"] is None
    assert_secret_nowhere(hub, captured)


def test_a_token_inside_a_run_folder_is_redacted_before_the_upload(hub, capsys):
    # A run folder written by an older version may hold a key: the staged copy
    # is redacted (with a warning naming the file), so the upload carries none.
    run = RUNS["rules"][2][-1]
    leaky = hub / "runs" / "rules" / run / "config.yaml"
    leaky.write_text(f"api_key: {SECRET}\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=f"^credentials redacted from 1 staged file\\(s\\): results/runs/rules/{run}/config.yaml$"):
        assert main(publish_args(hub, *REPOS)) == 0
    captured = capsys.readouterr()
    staged = hub / "hub" / "results" / "runs" / "rules" / run / "config.yaml"
    assert staged.read_text(encoding="utf-8") == "api_key: [redacted]\n"
    assert_secret_nowhere(hub / "hub", captured)
    uploaded = [op.path_or_fileobj for c in commits().values() for op in c[4] if hasattr(op, "path_or_fileobj")]
    assert str(staged) in map(str, uploaded)


def test_a_token_typed_into_a_setting_is_refused(hub, capsys):
    assert main(publish_args(hub, *REPOS, f"hub.out_dir={hub / SECRET}")) == 2
    captured = capsys.readouterr()
    assert "a setting contains the Hub token" in captured.err and FakeHub.calls == []
    assert_secret_nowhere(hub, captured)


def test_settings_are_not_interpolated(hub):
    from benchmark.publish import load_settings

    assert load_settings(["hub.out_dir=${oc.env:HF_TOKEN}"]).out_dir == "${oc.env:HF_TOKEN}"


@pytest.mark.parametrize("exc, expected", [
    (http_error(404, "Repository Not Found"), "repo not found: org/q does not exist or the token cannot see it"),
    (ConnectionError("Name or service not known"), "network error while uploading to org/q (ConnectionError); check the connection and retry"),
    (TimeoutError("timed out"), "network error while uploading to org/q (TimeoutError); check the connection and retry"),
    (http_error(413, "Payload too large"), "the Hub refused the upload to org/q (HTTP 413): Payload too large"),
    (type("ConnectError", (Exception,), {})("dns"),  # httpx's transport error, by name
     "network error while uploading to org/q (ConnectError); check the connection and retry"),
    (ValueError("a bug"), None),
])
def test_failure_reasons(exc, expected):
    assert failure_reason(exc, repo_id="org/q") == expected


def test_offline_mode_is_named():
    from huggingface_hub.errors import OfflineModeIsEnabled

    reason = failure_reason(OfflineModeIsEnabled("offline"), repo_id="org/q")
    assert reason.startswith("network error: HF_HUB_OFFLINE is set")


def test_repository_not_found_error_class_is_recognised():
    from huggingface_hub.errors import RepositoryNotFoundError

    exc = RepositoryNotFoundError("not found", response=SimpleNamespace(status_code=401, headers={}, request=None))
    # The Hub answers 401 for a repo the token cannot see; the class says "not found".
    assert failure_reason(exc, repo_id="org/q").startswith("repo not found: org/q")


def test_scrub_replaces_every_occurrence():
    assert scrub(f"{SECRET} and {SECRET}", SECRET) == "*** and ***"
    assert scrub("nothing", None) == "nothing"

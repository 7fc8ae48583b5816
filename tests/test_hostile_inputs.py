"""Hostile submissions and run files: refused at read time with one short message per problem, never a traceback.

Lone surrogates, deep nesting, huge numbers, long echoed values, files past
the size limits, and work that must not grow with repeated strings.  Each
case names file, line and field, and ``validate`` lists every problem.  The
``per_item.jsonl.gz`` of a downloaded run (truncated, not gzip, a gzip bomb)
is refused by ``report`` and ``merge-shards`` the same way.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import zlib
from pathlib import Path

import pytest

from benchmark.cli.main import main
from corpus_copies import copy_corpus
from benchmark.errors import InputError
from benchmark.gold.loading import load_corpus
from benchmark.submission import align
from benchmark.submission.limits import SubmissionLimits
from benchmark.submission.reader import parse_submission_lines, read_submission
from benchmark.submission.report import MAX_PROBLEMS, validate_file

CORPUS = load_corpus()
DOC = CORPUS.documents[0]
DOC_ID = DOC.doc_id
UNALIGNABLE = "هذا نص لا يوجد في المقال ولا يشبه اي جزء منه مهما حاولنا ذلك بكل الطرق الممكنة"


def write(tmp_path: Path, *lines: str, name: str = "p.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(path: Path, **kw) -> list[str]:
    return [str(p) for p in validate_file(path, corpus=CORPUS, **kw).problems]


# ----------------------------------------------------------------- lone surrogates

# A "\ud800" escape in the JSON text (12 ASCII characters on disk): json decodes it to a lone surrogate.
SURROGATE = "\\ud800"
SURROGATE_CASES = [
    ("translation", f'{{"doc_id": "{DOC_ID}", "translations": [{{"segment_id": "s01", "text": "a{SURROGATE}"}}]}}',
     "translations[0].text", 1),
    ("content", f'{{"doc_id": "{DOC_ID}", "quotes": [{{"content_text": "{SURROGATE}x"}}]}}',
     "quotes[0].content_text", 0),
    ("speaker", f'{{"doc_id": "{DOC_ID}", "attribution": [{{"quote_id": "q01", "speaker": "ab{SURROGATE}"}}]}}',
     "attribution[0].speaker", 2),
    ("entity", f'{{"doc_id": "{DOC_ID}", "speakers": [{{"start": 1, "end": 4, "entity": "{SURROGATE}"}}]}}',
     "speakers[0].entity", 0),
]


@pytest.mark.parametrize(("raw", "field", "at"), [c[1:] for c in SURROGATE_CASES], ids=[c[0] for c in SURROGATE_CASES])
def test_lone_surrogate_is_invalid_text_naming_line_and_field(tmp_path, raw, field, at):
    path = write(tmp_path, raw)
    assert problems(path) == [f"{path}:1: {field}: invalid text: a lone UTF-16 surrogate (a \\ud800-\\udfff escape "
                              f"without its pair) at character {at}; expected text that UTF-8 can encode"]


def test_a_surrogate_file_is_refused_by_score_before_anything_is_written(tmp_path, capsys):
    path = write(tmp_path, SURROGATE_CASES[0][1])
    assert main(["score", str(path), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:1: translations[0].text: invalid text") and "Traceback" not in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").rglob("metrics.json"))


def test_a_proper_pair_of_surrogate_escapes_is_one_character_and_fine(tmp_path):
    # "\ud83d\ude00" is the JSON spelling of U+1F600: valid text
    path = write(tmp_path, f'{{"doc_id": "{DOC_ID}", "translations": [{{"segment_id": "s01", "text": "\\ud83d\\ude00"}}]}}')
    assert problems(path) == []
    assert read_submission(path, corpus=CORPUS)[DOC_ID].translations[0].text == "\U0001F600"


# ----------------------------------------------------------------- nesting, numbers, echoes

def test_deep_nesting_is_refused_before_parsing(tmp_path):
    # the case: a 2 KB line of 984 nested brackets (RecursionError before)
    path = write(tmp_path, f'{{"doc_id": "{DOC_ID}", "quotes": {"[" * 984}{"]" * 984}}}')
    assert problems(path) == [f"{path}:1: JSON nested more than 20 levels deep; the format needs at most 5 "
                              "(a line is one object of lists of objects)"]
    # just past the bound inside a real key is refused; at the bound the schema speaks
    for depth, expect in ((21, "nested more than 20"), (20, "quotes[0]")):
        value = "[" * (depth - 1) + "]" * (depth - 1)
        (msg,) = problems(write(tmp_path, f'{{"doc_id": "{DOC_ID}", "quotes": {value}}}'))
        assert expect in msg


@pytest.mark.parametrize("digits", [4300, 5000, 100_000])
def test_huge_integers_get_one_short_message(tmp_path, digits):
    path = write(tmp_path, f'{{"doc_id": "{DOC_ID}", "speakers": [{{"start": 1, "end": {"9" * digits}}}]}}')
    (msg,) = problems(path)
    assert msg == f"{path}:1: integer with {digits} digits: expected at most 18 digits"


def test_a_number_overflowing_to_infinity_is_refused(tmp_path):
    record = '{"field": "f", "query": "q", "method": "exact", "score": 1e999, "span": null}'
    (msg,) = problems(write(tmp_path, f'{{"doc_id": "{DOC_ID}", "alignments": [{record}]}}'))
    assert msg.endswith("number '1e999' is out of range (it overflows to infinity)")


LONG = "x" * 100_000
ECHO_CASES = {
    "doc_id": {"doc_id": LONG},
    "key": {"doc_id": DOC_ID, LONG: 1},
    "quote_id": {"doc_id": DOC_ID, "attribution": [{"quote_id": LONG, "speaker": None}]},
    "target": {"doc_id": DOC_ID, "stance": [{"quote_id": "q01", "target": LONG, "label": "FAVOR"}]},
    "label": {"doc_id": DOC_ID, "stance": [{"quote_id": "q01", "target": "riyadh_talks", "label": LONG}]},
    "segment_id": {"doc_id": DOC_ID, "translations": [{"segment_id": LONG, "text": "x"}]},
    "duplicate": {"doc_id": DOC_ID, "translations": [{"quote_id": "q01", "text": "a"}, {"quote_id": "q01", "text": "b"}],
                  "stance": [{"quote_id": "q01", "target": "t" + LONG[:5000], "label": "NONE"}] * 2},
    "type": {"doc_id": DOC_ID, "quotes": [{"content": [[1, 5]], "type": LONG}]},
    "keys": {"doc_id": DOC_ID, "translations": [{LONG[:300] + str(i): 1 for i in range(50)}]},
}


@pytest.mark.parametrize("obj", ECHO_CASES.values(), ids=ECHO_CASES.keys())
def test_echoed_values_are_cut_to_about_80_characters(tmp_path, obj):
    path = write(tmp_path, json.dumps(obj))
    found = problems(path, limits=SubmissionLimits(max_string_chars=200_000))
    assert found
    for msg in found:
        # the file name, the field and the message's own words, plus at most ~80 characters of the value
        assert len(msg) - len(str(path)) < 400, msg[:600]


# ----------------------------------------------------------------- every problem listed (issue 11, point 6)

def test_validate_lists_every_problem_of_every_line(tmp_path):
    path = write(
        tmp_path,
        json.dumps({"doc_id": DOC_ID, "attribution": [{"quote_id": "q1", "speaker": None},
                                                       {"quote_id": "q02", "speaker": None},
                                                       {"quote_id": "q02", "speaker": None}],
                    "stance": [{"quote_id": "q01", "target": "nope", "label": "NONE"}],
                    "quotes": [{"content": [[10, 5]], "stances": [{"target": "nope", "label": "NONE"}]}]}),
        '{"doc_id": 5}',
        "not json",
        json.dumps({"doc_id": DOC_ID}))
    # line 1: by task in the order of the format (speakers, quotes, attribution, stance, translations)
    assert problems(path) == [
        f"{path}:1: quotes[0].stances[0].target: " + problems_target("nope"),
        f"{path}:1: quotes[0].content[0]: reversed or empty span: expected start < end, got [10, 5]",
        f"{path}:1: attribution[2]: duplicate quote_id='q02': already given in attribution[1]; "
        "expected at most one item per quote_id",
        f"{path}:1: attribution[0].quote_id: Unknown quote id 'q1'. Did you mean 'q01'? Available: "
        + ", ".join(sorted(q.id for q in DOC.quotes)),  # the choices are listed sorted
        f"{path}:1: stance[0].target: " + problems_target("nope"),
        f"{path}:2: doc_id: expected string, got integer 5",
        f"{path}:3: not valid JSON: Expecting value at column 1; expected one JSON object per line",
        f"{path}:4: doc_id: duplicate doc_id '{DOC_ID}': already on line 1; expected one line per document",
    ]


def problems_target(name: str) -> str:
    from benchmark.common.registry import unknown_name_message

    return unknown_name_message("target", name, [t.id for t in CORPUS.targets])


def test_validate_caps_the_list_and_counts_the_rest(tmp_path, capsys):
    items = [{"segment_id": f"x{i}", "text": "t"} for i in range(120)]
    path = write(tmp_path, json.dumps({"doc_id": DOC_ID, "translations": items}))
    report = validate_file(path, corpus=CORPUS)
    assert (len(report.problems), report.n_problems, report.valid) == (MAX_PROBLEMS, 120, False)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == MAX_PROBLEMS + 2
    assert err[0].startswith(f"error: {path}:1: translations[0].segment_id: Unknown segment id 'x0'.")
    assert err[-2] == f"error: … and {120 - MAX_PROBLEMS} more problem(s) (the first {MAX_PROBLEMS} are listed)"
    assert err[-1] == f"validate: 120 problem(s) in {path}"


def test_unresolved_speakers_are_named(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"doc_id": DOC_ID, "attribution": [
        {"quote_id": "q01", "speaker": "SPEAKER_3"}, {"quote_id": "q02", "speaker": "Mr Nobody"},
        {"quote_id": "q03", "speaker": "lavrov"}, {"quote_id": "q04", "speaker": "SPEAKER_3"}]}))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "unresolved speakers=3 ('SPEAKER_3', 'Mr Nobody')" in out


# ----------------------------------------------------------------- limits and work

def test_limits_refuse_with_the_limit_and_how_to_raise_it(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"doc_id": DOC_ID, "speakers": [{"text": "لافروف"}] * 30,
                                       "translations": [{"segment_id": "s01", "text": "y" * 500}]}))
    limits = SubmissionLimits(max_items=20, max_string_chars=100, max_file_mb=1)
    assert problems(path, limits=limits) == [
        f"{path}:1: speakers: the line holds 31 items (speakers, quotes with their content spans and stances, "
        "attribution, stance, translations); the limit is 20 per document (raise it with --max-items or "
        "scoring.limits.max_items)",
        f"{path}:1: translations[0].text: string of 500 characters ('yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy'… (500 "
        "characters)); the limit is 100 (raise it with --max-string-chars or scoring.limits.max_string_chars)"]
    assert main(["validate", str(path), "--max-items", "20"]) == 2
    assert "the limit is 20 per document" in capsys.readouterr().err
    assert main(["validate", str(path), "--max-items", "40"]) == 0
    with pytest.raises(InputError, match=r"file of 0\.0 MB; the limit is 1e-06 MB \(raise it with --max-file-mb"):
        read_submission(path, corpus=CORPUS, limits=SubmissionLimits(max_file_mb=1e-6))
    assert main(["score", str(path), "--max-file-mb", "0.000001", "--out", str(tmp_path / "r")]) == 2
    assert "the limit is 1e-06 MB" in capsys.readouterr().err


def test_score_passes_the_limits_to_the_run(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"doc_id": DOC_ID, "speakers": [{"text": "لافروف"}] * 30}))
    assert main(["score", str(path), "--max-items", "10", "--out", str(tmp_path / "r")]) == 2
    assert "the limit is 10 per document (raise it with --max-items" in capsys.readouterr().err
    assert main(["run", "system=predictions", f"system.path={path}", "scoring.limits.max_items=10",
                 f"paths.results_dir={tmp_path / 'r'}"]) == 2
    assert "the limit is 10 per document" in capsys.readouterr().err


def test_repeated_strings_are_aligned_once(tmp_path, monkeypatch):
    # The case (20,000 copies of one unalignable quote took > 120 s): the
    # fuzzy tier now runs once per distinct string and document, not once per copy.
    calls = []
    real = align.fuzz.partial_ratio_alignment
    monkeypatch.setattr(align.fuzz, "partial_ratio_alignment", lambda *a, **k: calls.append(1) or real(*a, **k))
    align.text_index.cache_clear()
    path = write(tmp_path, json.dumps({"doc_id": DOC_ID, "quotes": [{"content_text": UNALIGNABLE}] * 20_000}))
    report = validate_file(path, corpus=CORPUS, limits=SubmissionLimits(max_items=20_000))
    assert report.valid and report.alignment_methods["unaligned"] == 20_000
    assert len(calls) == 1
    # at the default limits the same file is refused at once, before any alignment
    calls.clear()
    (msg,) = problems(path)
    assert "the line holds 20000 items" in msg and "the limit is 5000 per document" in msg and calls == []


def test_long_strings_are_aligned_through_their_ends(monkeypatch):
    # a long quote (1,500 characters of the article) with two letters changed near its middle
    start = DOC.text.index(" ", 1000) + 1
    end = DOC.text.index(" ", start + 1500)
    query = list(DOC.text[start:end])
    for i in (700, 750):
        query[i] = "ث"
    seen = []
    real = align.fuzz.partial_ratio_alignment
    monkeypatch.setattr(align.fuzz, "partial_ratio_alignment", lambda q, *a, **k: seen.append(len(q)) or real(q, *a, **k))
    align.text_index.cache_clear()
    a = align.align_text("".join(query), DOC.text)
    assert (a.method, a.span.start, a.span.end) == ("fuzzy", start, end)
    assert a.score > 99.8  # ratio of the whole query against the span: 2 letters of 1,500
    assert max(seen) == align.ANCHOR_CHARS  # never the whole 1,500 characters (cubic in rapidfuzz)


def test_system_output_is_bounded_like_a_file():
    # the harness reads every system's output through the same reader
    line = json.dumps({"doc_id": DOC_ID, "translations": [{"segment_id": "s01", "text": "a\ud800"}]})
    with pytest.raises(InputError, match="<system x>:1: translations.0..text: invalid text"):
        parse_submission_lines([line], corpus=CORPUS, file="<system x>")


# ----------------------------------------------------------------- per_item.jsonl.gz of a downloaded run

def _bomb_of_one_line(n_blocks: int = 70) -> bytes:
    """A gzip file of ``n_blocks`` MiB of one line (zeros) in about 70 kB."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(z.compress(bytes(1 << 20)) for _ in range(n_blocks)) + z.flush()


HOSTILE_GZ = [
    ("truncated", lambda good: good[: len(good) // 2], "truncated gzip file"),
    ("not gzip", lambda good: gzip.decompress(good), "not a gzip file, though its name ends in .gz"),
    ("bomb of one line", lambda good: _bomb_of_one_line(), "line longer than 64 MB (the max_file_mb limit)"),
]


@pytest.fixture(scope="module")
def copy_runs(tmp_path_factory) -> Path:
    """A complete run and two shards of ``copy`` on the translation task, on two copies of the article (seconds)."""
    root = tmp_path_factory.mktemp("copy-runs")
    data = copy_corpus(root / "data", 2)
    common = ["run", "system=copy", "task=translation", f"paths.results_dir={root}", f"paths.data_dir={data}",
              "scoring.n_resamples=10"]
    assert main(common) == 0
    for i in range(2):
        assert main([*common, "shard.count=2", f"shard.index={i}"]) == 0
    return root


def _one_line_error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("how,spoil,message", HOSTILE_GZ, ids=[h[0] for h in HOSTILE_GZ])
def test_report_refuses_a_hostile_per_item_file_in_one_line(copy_runs, tmp_path, capsys, how, spoil, message):
    run_dir = tmp_path / "run"
    shutil.copytree(next((copy_runs / "copy").iterdir()), run_dir)
    path = run_dir / "per_item.jsonl.gz"
    path.write_bytes(spoil(path.read_bytes()))
    before = (run_dir / "report.md").read_bytes()
    err = _one_line_error(capsys, ["report", str(run_dir)])
    assert re.fullmatch(rf"error: {re.escape(str(path))}:\d+: {re.escape(message)}.*", err), err
    assert (run_dir / "report.md").read_bytes() == before  # nothing already written is lost


@pytest.mark.parametrize("how,spoil,message", HOSTILE_GZ, ids=[h[0] for h in HOSTILE_GZ])
def test_merge_shards_refuses_a_hostile_per_item_file_in_one_line(copy_runs, tmp_path, capsys, how, spoil, message):
    group = tmp_path / "group"
    shutil.copytree(next((copy_runs / ".shards" / "copy").iterdir()), group)
    path = sorted(group.iterdir())[1] / "per_item.jsonl.gz"
    path.write_bytes(spoil(path.read_bytes()))
    err = _one_line_error(capsys, ["merge-shards", str(group), "--out", str(tmp_path / "out")])
    assert re.fullmatch(rf"error: {re.escape(str(path))}:\d+: {re.escape(message)}.*", err), err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("metrics.json"))

"""check-data's checks of the English references, the stance holder and evidence, and the status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmark.gold.check import check_data
from benchmark.gold.loading import default_data_dir
from benchmark.gold.references import is_spelling_variant, part_end, spelling_groups, spelling_key
from benchmark.gold.schema import Entity

DOC = "000_d60cf795c66ab44c"


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    src, dst = default_data_dir(), tmp_path / "data"
    (dst / "gold").mkdir(parents=True)
    shutil.copytree(src / "articles", dst / "articles")
    shutil.copy(src / "targets.json", dst / "targets.json")
    shutil.copy(src / "gold" / f"{DOC}.json", dst / "gold" / f"{DOC}.json")
    return dst


def _edit(data_dir: Path, fn) -> None:
    path = data_dir / "gold" / f"{DOC}.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    fn(obj)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def _seg(obj, sid):
    return next(s for s in obj["segments"] if s["id"] == sid)


def _quote(obj, qid):
    return next(q for q in obj["quotes"] if q["id"] == qid)


def _replace(record, old, new):
    assert old in record["translation_en"]
    record["translation_en"] = record["translation_en"].replace(old, new)


CASES = [
    ("a spelling variant at the first mention (the issue's example)",
     lambda o: _replace(_seg(o, "s04"), "Yuri Ushakov", "Yury Ushakov"),
     ["segments[3].translation_en: the first named mention of 'ushakov' («المساعد الرئاسي يوري أوشاكوف», segment "
      "'s04') must use the canonical English name 'Yuri Ushakov'; the reference has 'Yury Ushakov'",
      "segments[3].translation_en: 'Yury Ushakov' is a spelling variant of the canonical English name 'Yuri Ushakov' "
      "of 'ushakov'; references use the canonical spelling"]),
    ("a named entity left out",
     lambda o: _replace(_seg(o, "s05"), "Mike Waltz", "the adviser"),
     ["segments[4].translation_en: segment 's05' names 'waltz' («مستشار الأمن القومي مايك والتز») but its reference "
      "uses none of its English names: 'Mike Waltz', 'Michael Waltz', 'Waltz'"]),
    ("a quote worded otherwise than its segment",
     lambda o: _replace(_quote(o, "q02"), "with great success", "very successfully"),
     ["quotes[1].translation_en: quote 'q02': 'the talks were useful and the two delegations worked “very "
      "successfully” on improving relations' is not words of the reference of segment 's08': "
      "'“very successfully”' where the segment has '“with great success”'"]),
    ("the parts of a discontinuous quote out of order",
     lambda o: _quote(o, "q01").update(translation_en="useful ... the meeting with the US delegation"),
     ["quotes[0].translation_en: quote 'q01': 'the meeting with the US delegation' is not words of the reference "
      "of segment 's01'"]),
    ("two spellings of one word",
     lambda o: _replace(_quote(o, "q28"), "normalize", "normalise") or _replace(_seg(o, "s36"), "normalize", "normalise"),
     ["segments[35].translation_en: 'normalise' is spelled 'normalize' in"]),
    ("an empty reference",
     lambda o: _seg(o, "s47").update(translation_en=""),
     ["segments[46].translation_en: segment 's47' has no English reference"]),
    ("a stance held by someone else than the speaker",
     lambda o: o["stances"][0].update(holder="trump"),
     ["stances[0].holder: holder 'trump' is not the speaker 'lavrov' of quote 'q01'"]),
    ("evidence outside the quote",
     lambda o: o["stances"][0].update(evidence=dict(o["mentions"][0], id=None)) or o["stances"][0]["evidence"].pop("id"),
     ["stances[0].evidence: evidence 'وزير الخارجية الروسي سيرغي لافروف' is not inside the content of quote 'q01'"]),
    ("an unknown status",
     lambda o: o["metadata"].update(status="done"),
     ["metadata.status: 'done' is not one of unannotated, annotated"]),
]


@pytest.mark.parametrize("name,corrupt,messages", CASES, ids=[c[0] for c in CASES])
def test_each_reference_problem_is_named(data_copy, name, corrupt, messages):
    _edit(data_copy, corrupt)
    problems = [str(p) for p in check_data(data_copy)]
    for message in messages:
        assert any(message in p for p in problems), problems
    assert all(f"gold/{DOC}.json" in p or "targets.json" in p for p in problems)


def test_a_spelling_is_checked_against_the_target_descriptions_too(data_copy):
    targets = json.loads((data_copy / "targets.json").read_text(encoding="utf-8"))
    targets[0]["description_en"] = targets[0]["description_en"].replace("Normalizing", "Normalising")
    (data_copy / "targets.json").write_text(json.dumps(targets, ensure_ascii=False), encoding="utf-8")
    problems = [str(p) for p in check_data(data_copy)]
    # only s02's "normalizing" is the same word ("normalize" in s36 and q28 is another form of it)
    assert len(problems) == 1 and "segments[1].translation_en: 'normalizing' is spelled 'normalising' in" in problems[0]


def test_raw_passes_are_not_held_to_the_reference_rules():
    for layer in ("passes/annotator_a", "passes/annotator_b"):
        assert check_data(default_data_dir(), layer=layer) == []


def test_an_unannotated_document_is_checked_for_what_it_holds(data_copy):
    _edit(data_copy, lambda o: o["metadata"].update(status="unannotated") or _seg(o, "s47").update(translation_en=""))
    assert check_data(data_copy) == []  # no completeness or reference checks
    _edit(data_copy, lambda o: o["mentions"][0].update(end=10**6))
    # offsets and references between layers still are: the mention, and q01 whose source it was
    assert [p.field for p in check_data(data_copy)] == ["mentions[0]", "quotes[0].source"]


@pytest.mark.parametrize("a,b,expected", [
    ("Yury Ushakov", "Yuri Ushakov", True),      # token ratio 0.75
    ("Kiev", "Kyiv", True),                      # 0.75
    ("U.S. delegation", "US delegation", True),  # "U.S."/"US" 0.67
    ("Michael Waltz", "Mike Waltz", False),      # "Michael"/"Mike" 0.55: another form, not a spelling
    ("Ushakov", "Yuri Ushakov", False),          # a short form: fewer words
    ("the officials", "officials", False),       # the same name
])
def test_spelling_variants(a, b, expected):
    assert is_spelling_variant(a, b) is expected


def test_spelling_groups_of_an_entity():
    e = Entity("ushakov", "PER", "يوري أوشاكوف", "Yuri Ushakov", ("Yury Ushakov", "Yuriy Ushakov", "Ushakov"))
    assert spelling_groups(e) == [["Yuri Ushakov", "Yury Ushakov", "Yuriy Ushakov"]]


@pytest.mark.parametrize("a,b", [("normalise", "normalize"), ("normalisation", "normalization"),
                                 ("favour", "favor"), ("towards", "toward"), ("dialogue", "dialog"),
                                 ("travelled", "traveled"), ("centre", "center"), ("defence", "defense"),
                                 ("co-operation", "cooperation")])
def test_british_and_american_spellings_share_a_key(a, b):
    assert spelling_key(a) == spelling_key(b)


@pytest.mark.parametrize("a,b", [("four", "for"), ("filled", "filed"), ("rise", "rize"), ("hour", "hor")])
def test_different_words_keep_different_keys(a, b):
    assert spelling_key(a) != spelling_key(b)


def test_part_end_ignores_first_letter_case_and_punctuation_inside_quotes():
    # "in due course.”" compares as "in due course”"; offsets are in that comparable text
    ref = "to make progress “in due course.”"
    assert part_end("progress “in due course”", ref) == len(ref) - 1
    assert part_end("To make progress", ref) == len("to make progress")
    assert part_end("to make progres s", ref) is None

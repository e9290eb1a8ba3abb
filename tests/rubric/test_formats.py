"""Parsing and writing rubric files, without the database."""

import json
from typing import Any

import pytest

from app.errors import Unprocessable
from app.rubric import formats
from tests.rubric.helpers import DEMO_LABELS, content, criterion, demo_csv_text

HEADER = "section,code,title,guidance,weight,min_level,na_allowed,level_1,level_2,level_3"
LABELS_3 = ["Low", "Mid", "High"]


def problems_of(text: str, labels: list[str] = LABELS_3) -> list[dict[str, Any]]:
    with pytest.raises(Unprocessable) as caught:
        formats.parse_csv(text, scale_labels=labels, fidelity_threshold_percent=80)
    assert caught.value.code == "invalid_rubric"
    problems: list[dict[str, Any]] = caught.value.extra["problems"]
    return problems


def test_the_demo_csv_reads_as_ten_criteria_in_four_sections() -> None:
    parsed = formats.parse_csv(
        demo_csv_text(), scale_labels=DEMO_LABELS, fidelity_threshold_percent=80
    )
    assert [step.level for step in parsed.scale] == [1, 2, 3, 4, 5]
    assert [step.label for step in parsed.scale] == DEMO_LABELS
    assert len(parsed.criteria) == 10
    sections = list(dict.fromkeys(c.section for c in parsed.criteria))
    assert sections == ["Relationship", "Structure", "Content", "Closure"]
    by_code = {c.code: c for c in parsed.criteria}
    assert (by_code["REL2"].weight, by_code["REL2"].min_level) == (1.5, 3)
    assert (by_code["CLO2"].weight, by_code["CLO2"].min_level, by_code["CLO2"].na_allowed) == (
        2,
        4,
        True,
    )
    assert by_code["REL3"].min_level is None
    assert by_code["REL2"].level_descriptors[1] == 'Generic praise ("well done").'


def test_csv_round_trip_is_byte_exact() -> None:
    text = demo_csv_text()
    parsed = formats.parse_csv(text, scale_labels=DEMO_LABELS, fidelity_threshold_percent=80)
    assert formats.write_csv(parsed) == text


def test_json_round_trip_is_exact() -> None:
    parsed = formats.parse_csv(
        demo_csv_text(), scale_labels=DEMO_LABELS, fidelity_threshold_percent=80
    )
    written = formats.write_json("Home visit", parsed)
    document = formats.parse_json(written)
    assert document.title == "Home visit"
    assert formats.write_json(document.title, document) == written
    assert formats.write_csv(document) == demo_csv_text()


def test_a_zero_based_scale_keeps_its_levels() -> None:
    data = content(criterion("A1", min_level=0), criterion("A2", na_allowed=True))
    parsed = formats.parse_json(json.dumps({"title": "Zero", **data}))
    csv_text = formats.write_csv(parsed)
    assert csv_text.splitlines()[0].endswith("level_0,level_1,level_2,level_3")
    labels = [step.label for step in parsed.scale]
    again = formats.parse_csv(csv_text, scale_labels=labels, fidelity_threshold_percent=75)
    assert (again.scale, again.criteria) == (parsed.scale, parsed.criteria)
    assert formats.write_csv(again) == csv_text


def test_duplicate_codes_and_missing_levels_list_every_bad_line() -> None:
    text = "\n".join(
        [
            HEADER,
            "S,A1,One,,1,,no,a,b,c",
            "S,A2,Two,,1,,no,a,b",  # line 3: level_3 missing
            "S,A1,Three,,1,,no,a,b,c",  # line 4: duplicate of line 2
            'S,A4,"Four,\nspanning lines",,1,,no,a,,c',  # line 5: empty level_2
            "S,a1,Six,,1,,no,a,b,c",  # line 7: duplicate, whatever the case
            "S,A7,Seven,,1,,no,a,b",  # line 8: level_3 missing
        ]
    )
    problems = problems_of(text)
    assert [(p["line"], p.get("field")) for p in problems] == [
        (3, None),
        (4, "code"),
        (5, "level_2"),
        (7, "code"),
        (8, None),
    ]
    assert "Missing level_3" in problems[0]["message"]
    assert "line 2" in problems[1]["message"]


def test_min_level_outside_the_scale_is_refused() -> None:
    text = f"{HEADER}\nS,A1,One,,1,4,no,a,b,c\nS,A2,Two,,1,0,no,a,b,c\nS,A3,Three,,1,3,no,a,b,c\n"
    problems = problems_of(text)
    assert [(p["line"], p["field"]) for p in problems] == [(2, "min_level"), (3, "min_level")]
    assert "outside the scale 1-3" in problems[0]["message"]


def test_bad_cells_are_reported_with_their_line() -> None:
    text = f"{HEADER}\nS,A1,One,,heavy,x,maybe,a,b,c\nS,,,,0,,no,a,b,c\n"
    problems = problems_of(text)
    fields = {(p["line"], p["field"]) for p in problems}
    assert {(2, "weight"), (2, "min_level"), (2, "na_allowed")} <= fields
    assert {(3, "code"), (3, "title"), (3, "weight")} <= fields


def test_more_than_fifty_criteria_is_refused() -> None:
    rows = [f"S,C{n},Criterion {n},,1,,no,a,b,c" for n in range(51)]
    problems = problems_of("\n".join([HEADER, *rows]))
    assert problems == [{"field": "criteria", "message": "At most 50 criteria; the file has 51."}]


def test_fifty_criteria_of_ten_levels_is_the_largest_rubric() -> None:
    levels = ",".join(f"level_{n}" for n in range(1, 11))
    header = f"section,code,title,guidance,weight,min_level,na_allowed,{levels}"
    rows = [f"S,C{n},Criterion {n},,1,,no," + ",".join("d" * 10) for n in range(50)]
    parsed = formats.parse_csv(
        "\n".join([header, *rows]),
        scale_labels=[f"L{n}" for n in range(10)],
        fidelity_threshold_percent=80,
    )
    assert len(parsed.criteria) == 50
    assert len(parsed.scale) == 10


def test_eleven_levels_is_refused() -> None:
    levels = ",".join(f"level_{n}" for n in range(1, 12))
    header = f"section,code,title,guidance,weight,min_level,na_allowed,{levels}"
    row = "S,C1,One,,1,,no," + ",".join("d" * 11)
    problems = problems_of(f"{header}\n{row}\n", labels=[f"L{n}" for n in range(11)])
    assert problems[0] == {
        "line": 1,
        "field": "scale",
        "message": "A scale has 2 to 10 levels, not 11.",
    }


def test_labels_must_match_the_level_columns() -> None:
    problems = problems_of(f"{HEADER}\nS,A1,One,,1,,no,a,b,c\n", labels=["Low", "High"])
    assert problems == [
        {
            "line": 1,
            "field": "scale_labels",
            "message": "The file has 3 level columns but 2 scale labels were given.",
        }
    ]


def test_a_wrong_header_is_one_problem_on_line_one() -> None:
    problems = problems_of("code,title\nA1,One\n")
    assert [p["line"] for p in problems] == [1]


def test_a_section_that_restarts_is_refused() -> None:
    text = f"{HEADER}\nS,A1,One,,1,,no,a,b,c\nT,A2,Two,,1,,no,a,b,c\nS,A3,Three,,1,,no,a,b,c\n"
    problems = problems_of(text)
    assert [(p["line"], p["field"]) for p in problems] == [(4, "section")]


def test_json_problems_name_the_criterion() -> None:
    data = content(
        criterion("A1"),
        criterion("A1", min_level=9),
        criterion("A3", level_descriptors=["only one"]),
    )
    with pytest.raises(Unprocessable) as caught:
        formats.parse_json(json.dumps({"title": "Bad", **data}))
    fields = [p["field"] for p in caught.value.extra["problems"]]
    assert fields == [
        "criteria[1].min_level",
        "criteria[2].level_descriptors",
        "criteria[1].code",
    ]


def test_json_that_is_not_json_is_refused_with_its_line() -> None:
    with pytest.raises(Unprocessable) as caught:
        formats.parse_json('{\n  "title": "x",\n  oops\n}')
    assert caught.value.extra["problems"][0]["line"] == 3

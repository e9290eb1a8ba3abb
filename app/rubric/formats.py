"""Rubric files: CSV (one row per criterion) and JSON (everything), parsed and written.

Pure functions. A parser collects every problem, with its line, before raising one error.
A canonical file (as written here) reads back to the same content and writes out to the
same bytes.
"""

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from app.request_guard import require_storable
from app.rubric.schemas import (
    JSON_FORMAT,
    MAX_CRITERIA,
    CriterionData,
    RubricContent,
    RubricDocument,
    ScaleLevel,
)
from app.rubric.validation import (
    Problem,
    Where,
    content_problems,
    criterion_problems,
    duplicate_code_problems,
    pydantic_problems,
    raise_if_problems,
    rubric_error,
    scale_problems,
    section_problems,
)

FIXED_COLUMNS = ("section", "code", "title", "guidance", "weight", "min_level", "na_allowed")
LEVEL_COLUMN = re.compile(r"level_(\d+)")
# Free text columns are always quoted, as spreadsheet exports usually do.
QUOTED_FIXED_COLUMNS = frozenset({"guidance"})


def parse_csv(
    text: str, *, scale_labels: Sequence[str], fidelity_threshold_percent: float
) -> RubricContent:
    """Criteria from CSV: the level_N columns give the scale's levels, the caller its labels."""
    rows = _read_rows(text)
    header_line, header = rows[0]
    levels = _header_levels(header, header_line)
    scale = [
        ScaleLevel.model_construct(level=level, label=label)
        for level, label in zip(levels, _padded(scale_labels, len(levels)), strict=True)
    ]
    problems = _scale_label_problems(levels, scale_labels, scale, header_line)
    criteria: list[tuple[CriterionData | None, Where, list[str]]] = []
    for line, cells in rows[1:]:
        criterion, row_problems = _row_criterion(cells, header, Where(line=line), scale)
        problems.extend(row_problems)
        criteria.append((criterion, Where(line=line), cells))
    problems.extend(_file_wide_problems(criteria))
    raise_if_problems(problems)
    return _content(scale, fidelity_threshold_percent, [c for c, _, _ in criteria if c])


def _read_rows(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, cells) of every non-blank record; a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, [cell.strip() for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        problem = Problem(f"Not readable as CSV: {error}.", line=reader.line_num)
        raise rubric_error([problem]) from error
    if not rows:
        raise rubric_error([Problem("The file is empty.", line=1)])
    return rows


def _header_levels(header: list[str], line: int) -> list[int]:
    names = [name.lower() for name in header]
    problems = []
    if tuple(names[: len(FIXED_COLUMNS)]) != FIXED_COLUMNS:
        expected = ",".join(FIXED_COLUMNS)
        problems.append(Problem(f"The columns must start with {expected}.", line=line))
    levels = []
    for name in names[len(FIXED_COLUMNS) :]:
        match = LEVEL_COLUMN.fullmatch(name)
        if match is None:
            problems.append(Problem(f"Column {name!r} is not a level_N column.", line=line))
        else:
            levels.append(int(match.group(1)))
    raise_if_problems(problems)
    return levels


def _padded(labels: Sequence[str], count: int) -> list[str]:
    """As many labels as levels, so criteria are checked even when the labels are wrong."""
    return [*labels[:count], *[""] * (count - len(labels))]


def _scale_label_problems(
    levels: list[int], labels: Sequence[str], scale: list[ScaleLevel], line: int
) -> list[Problem]:
    if len(labels) != len(levels):
        message = (
            f"The file has {len(levels)} level columns but {len(labels)} scale labels were given."
        )
        return [Problem(message, line=line, field="scale_labels")]
    return scale_problems(scale, line=line)


def _row_criterion(
    cells: list[str], header: list[str], where: Where, scale: list[ScaleLevel]
) -> tuple[CriterionData | None, list[Problem]]:
    if len(cells) != len(header):
        missing = ", ".join(header[len(cells) :])
        message = (
            f"Missing {missing}." if missing else f"{len(cells) - len(header)} cells too many."
        )
        return None, [Problem(message, line=where.line)]
    values = dict(zip(FIXED_COLUMNS, cells, strict=False))
    raw: dict[str, Any] = {
        **values,
        "min_level": values["min_level"] or None,
        "na_allowed": values["na_allowed"] or "no",
        "level_descriptors": cells[len(FIXED_COLUMNS) :],
    }
    try:
        # Cells are text: "1.5", "3" and "yes" read as what they say (a JSON body is strict).
        criterion = CriterionData.model_validate(raw, strict=False)
    except ValidationError as error:
        return None, pydantic_problems(error, line=where.line)
    return criterion, criterion_problems(criterion, scale, where)


def _file_wide_problems(
    criteria: list[tuple[CriterionData | None, Where, list[str]]],
) -> list[Problem]:
    codes = [(cells[1] if len(cells) > 1 else "", where) for _, where, cells in criteria]
    sections = [(cells[0], where) for _, where, cells in criteria]
    problems = duplicate_code_problems(codes) + section_problems(sections)
    if len(criteria) > MAX_CRITERIA:
        message = f"At most {MAX_CRITERIA} criteria; the file has {len(criteria)}."
        problems.append(Problem(message, field="criteria"))
    return problems


def _content(
    scale: list[ScaleLevel], threshold: float, criteria: list[CriterionData]
) -> RubricContent:
    data = {
        "scale": [step.model_dump() for step in scale],
        "fidelity_threshold_percent": threshold,
        "criteria": [criterion.model_dump() for criterion in criteria],
    }
    try:
        return RubricContent.model_validate(data)
    except ValidationError as error:
        raise rubric_error(pydantic_problems(error)) from error


def write_csv(content: RubricContent) -> str:
    level_columns = [f"level_{step.level}" for step in content.scale]
    lines = [",".join(FIXED_COLUMNS + tuple(level_columns))]
    for criterion in content.criteria:
        fixed = [
            criterion.section,
            criterion.code,
            criterion.title,
            criterion.guidance,
            format_number(criterion.weight),
            "" if criterion.min_level is None else str(criterion.min_level),
            "yes" if criterion.na_allowed else "no",
        ]
        cells = [
            _cell(value, name in QUOTED_FIXED_COLUMNS)
            for name, value in zip(FIXED_COLUMNS, fixed, strict=True)
        ]
        cells += [_cell(text, True) for text in criterion.level_descriptors]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def format_number(value: float) -> str:
    """1.0 as "1", 1.5 as "1.5": the shortest text that reads back to the same float."""
    return str(int(value)) if value.is_integer() else repr(value)


def _cell(value: str, always_quoted: bool) -> str:
    if always_quoted or any(char in value for char in ',"\r\n') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def parse_json(text: str) -> RubricDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = Problem(f"Not valid JSON: {error.msg}.", line=error.lineno)
        raise rubric_error([problem]) from error
    require_storable(data, "file")  # "\u0000" escapes decode to what PostgreSQL refuses
    try:
        document = RubricDocument.model_validate(data)
    except ValidationError as error:
        raise rubric_error(pydantic_problems(error)) from error
    raise_if_problems(content_problems(document))
    return document


def write_json(title: str, content: RubricContent) -> str:
    document = {"format": JSON_FORMAT, "title": title, **content.model_dump(mode="json")}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

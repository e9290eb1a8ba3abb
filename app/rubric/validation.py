"""The rules a rubric's content must follow, collected as problems rather than raised one by one.

Every import and every edit goes through these, so a CSV file, a JSON document and a
JSON request body are held to the same rules.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from app.errors import Unprocessable
from app.rubric.schemas import MAX_LEVELS, CriterionData, RubricContent, ScaleLevel

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
MAX_WEIGHT = 1000.0


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rubric: where (a file line and/or a field) and what."""

    message: str
    line: int | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found = {"line": self.line, "field": self.field, "message": self.message}
        return {key: value for key, value in found.items() if value is not None}

    def __str__(self) -> str:
        where = [f"line {self.line}" if self.line is not None else "", self.field or ""]
        prefix = " ".join(part for part in where if part)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True)
class Where:
    """Where a criterion came from: a line of a file, or a path in a JSON document."""

    line: int | None = None
    prefix: str = ""

    def problem(self, field: str, message: str) -> Problem:
        return Problem(message, line=self.line, field=f"{self.prefix}{field}")


def rubric_error(problems: Sequence[Problem]) -> Unprocessable:
    """One 422 listing every problem, file-wide ones last, the rest in line order."""
    problems = sorted(problems, key=lambda problem: (problem.line is None, problem.line or 0))
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return Unprocessable(
        f"The rubric has {count}: " + "; ".join(str(problem) for problem in problems),
        code="invalid_rubric",
        extra={"problems": [problem.as_dict() for problem in problems]},
    )


def raise_if_problems(problems: Sequence[Problem]) -> None:
    if problems:
        raise rubric_error(problems)


def scale_problems(scale: Sequence[ScaleLevel], *, line: int | None = None) -> list[Problem]:
    if not 2 <= len(scale) <= MAX_LEVELS:
        message = f"A scale has 2 to {MAX_LEVELS} levels, not {len(scale)}."
        return [Problem(message, line=line, field="scale")]
    problems = []
    first = scale[0].level
    for index, step in enumerate(scale):
        if step.level != first + index:
            message = f"Levels must be consecutive: expected {first + index}, got {step.level}."
            problems.append(Problem(message, line=line, field=f"scale[{index}].level"))
        if not step.label.strip():
            problems.append(Problem("The label is empty.", line=line, field=f"scale[{index}]"))
    return problems


def criterion_problems(
    criterion: CriterionData, scale: Sequence[ScaleLevel], where: Where
) -> list[Problem]:
    problems = []
    if not CODE_PATTERN.fullmatch(criterion.code):
        problems.append(where.problem("code", f"Code {criterion.code!r} is not valid."))
    if not criterion.title.strip():
        problems.append(where.problem("title", "The title is empty."))
    if not (math.isfinite(criterion.weight) and 0 < criterion.weight <= MAX_WEIGHT):
        problems.append(where.problem("weight", f"Weight must be above 0, up to {MAX_WEIGHT:g}."))
    levels = [step.level for step in scale]
    if criterion.min_level is not None and levels and criterion.min_level not in levels:
        message = (
            f"Minimum level {criterion.min_level} is outside the scale {levels[0]}-{levels[-1]}."
        )
        problems.append(where.problem("min_level", message))
    problems.extend(_descriptor_problems(criterion.level_descriptors, levels, where))
    return problems


def _descriptor_problems(descriptors: list[str], levels: list[int], where: Where) -> list[Problem]:
    if len(descriptors) != len(levels):
        message = f"Expected {len(levels)} level descriptors, got {len(descriptors)}."
        return [where.problem("level_descriptors", message)]
    return [
        where.problem(f"level_{level}", f"The descriptor of level {level} is empty.")
        for level, text in zip(levels, descriptors, strict=True)
        if not text.strip()
    ]


def duplicate_code_problems(codes: Sequence[tuple[str, Where]]) -> list[Problem]:
    """Codes are compared without case: REL1 and rel1 would confuse every rater."""
    first_seen: dict[str, Where] = {}
    problems = []
    for code, where in codes:
        key = code.strip().casefold()
        if key in first_seen:
            earlier = first_seen[key]
            place = (
                f"line {earlier.line}" if earlier.line is not None else earlier.prefix.rstrip(".")
            )
            problems.append(where.problem("code", f"Code {code!r} is already used ({place})."))
        else:
            first_seen[key] = where
    return problems


def section_problems(sections: Sequence[tuple[str, Where]]) -> list[Problem]:
    """A section's criteria stay together, so the sections read in one order everywhere."""
    closed: set[str] = set()
    problems = []
    previous: str | None = None
    for section, where in sections:
        if section != previous and previous is not None:
            closed.add(previous)
        if section in closed:
            message = f"Section {section!r} restarts here; keep a section's criteria together."
            problems.append(where.problem("section", message))
        previous = section
    return problems


def content_problems(content: RubricContent) -> list[Problem]:
    problems = scale_problems(content.scale)
    placed = [
        (criterion, Where(prefix=f"criteria[{index}]."))
        for index, criterion in enumerate(content.criteria)
    ]
    for criterion, where in placed:
        problems.extend(criterion_problems(criterion, content.scale, where))
    problems.extend(duplicate_code_problems([(c.code, where) for c, where in placed]))
    problems.extend(section_problems([(c.section, where) for c, where in placed]))
    return problems


def check_content(content: RubricContent) -> None:
    raise_if_problems(content_problems(content))


def publishable_problems(content: RubricContent) -> list[Problem]:
    problems = content_problems(content)
    if not content.criteria:
        problems.append(Problem("A rubric needs at least one criterion.", field="criteria"))
    return problems


def pydantic_problems(
    error: ValidationError, *, line: int | None = None, prefix: str = ""
) -> list[Problem]:
    problems = []
    for item in error.errors():
        path = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]
        ).lstrip(".")
        message = item["msg"]
        if item["type"] not in ("missing", "extra_forbidden") and "input" in item:
            message = f"{message} (got {_shortened(item['input'])})"
        problems.append(Problem(message, line=line, field=f"{prefix}{path}" or None))
    return problems


def _shortened(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."

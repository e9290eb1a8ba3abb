"""An import request: the uploaded file and its query parameters, read into rubric content.

The import routes and their previews take the same dependency, so they parse alike.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Query

from app.access import LeadDep
from app.rubric import exchange
from app.rubric.scoring import ScoringFormula
from app.rubric.uploads import uploaded_text

CsvText = Annotated[str, Depends(uploaded_text("text/csv", "text/plain"))]
JsonText = Annotated[str, Depends(uploaded_text("application/json"))]
ScaleLabels = Annotated[
    list[str], Query(description="The scale's labels, lowest level first; one per level column.")
]
Threshold = Annotated[
    float | None,
    Query(ge=0, le=100, description="Fidelity threshold; the organisation's default if omitted."),
]
Formula = Annotated[
    ScoringFormula,
    Query(description="How the weighted percent is computed (percent of maximum if omitted)."),
]


class CsvImport:
    """A CSV upload and its query parameters, shared by the import and its preview."""

    def __init__(
        self,
        lead: LeadDep,
        csv_text: CsvText,
        programme_id: uuid.UUID,
        title: Annotated[str, Query(min_length=1, max_length=200)],
        scale_labels: ScaleLabels,
        fidelity_threshold_percent: Threshold = None,
        scoring_formula: Formula = ScoringFormula.percent_of_maximum,
    ) -> None:
        self.lead, self.programme_id, self.title = lead, programme_id, title
        self.content = exchange.csv_content(
            lead=lead,
            csv_text=csv_text,
            scale_labels=scale_labels,
            fidelity_threshold_percent=fidelity_threshold_percent,
        ).model_copy(update={"scoring_formula": scoring_formula})


class JsonImport:
    """A JSON upload and its query parameters, shared by the import and its preview."""

    def __init__(
        self,
        lead: LeadDep,
        json_text: JsonText,
        programme_id: uuid.UUID,
        title: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    ) -> None:
        self.lead, self.programme_id = lead, programme_id
        self.title, self.content = exchange.json_content(json_text=json_text, title=title)


CsvImportDep = Annotated[CsvImport, Depends()]
JsonImportDep = Annotated[JsonImport, Depends()]

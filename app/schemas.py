"""Base shapes shared by every domain's request and response models."""

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict

# A list's offset: beyond any real list, and far inside a 64-bit integer (the database's).
MAX_OFFSET = 1_000_000
PageOffset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


class StrictModel(BaseModel):
    """Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

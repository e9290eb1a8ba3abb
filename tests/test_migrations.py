import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session

from app.db import make_engine
from app.models import (
    Programme,
    ReviewSettings,
    Role,
    Rubric,
    RubricStatus,
    RubricVersion,
    metadata,
)
from app.models.base import utcnow
from app.review import first_comments
from tests.factories import (
    make_comment,
    make_observation,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_user,
)
from tests.support.database import alembic_config

ROLES = (Role.practitioner, Role.coach, Role.coach)


def test_upgrade_matches_models_then_downgrades_to_nothing(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "render_as_batch": connection.dialect.name == "sqlite"},
            )
            differences = compare_metadata(context, metadata)
        assert differences == [], "models and migrations differ; write a migration"
        command.check(config)  # the same check as `alembic check`, through its own env.py
        command.downgrade(config, "base")
        remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        command.upgrade(config, "head")  # and the downgrade left a clean slate
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_counted_observation_migration_chooses_as_the_app_does(
    fresh_database_url: Callable[[], str],
) -> None:
    """0012 fills `counts_for_fidelity` for observations written before it: the same choice
    the app makes as they are written (app/review/counting.py)."""
    with _database_at_head(fresh_database_url) as (config, engine):
        with Session(engine, expire_on_commit=False) as db:
            _double_coded_history(db)
        chosen_by_app = _counted(engine)
        command.downgrade(config, "0011")
        command.upgrade(config, "head")
        assert _counted(engine) == chosen_by_app
        # Per programme: the primary, the gold standard only where second ratings are
        # feedback, and for the all-N/A primary the second rating only there.
        assert len(chosen_by_app) == 5


def _double_coded_history(db: Session) -> None:
    """Recordings of two programmes (one counting second ratings as feedback), scored by a
    primary and a second rater, one second rating the gold standard, one primary all N/A."""
    organisation = make_organisation(db)
    owner, coach, second = (make_user(db, organisation, role) for role in ROLES)
    at = utcnow()
    for feedback in (False, True):
        programme = make_programme(db, organisation, f"Programme {feedback}")
        settings = {"second_ratings_are_feedback": feedback}
        db.add(
            ReviewSettings(organisation_id=organisation.id, programme_id=programme.id, **settings)
        )
        db.commit()
        optional = ({"code": "B1", "na_allowed": True}, {"code": "B2", "na_allowed": True})
        version = make_rubric_version(db, organisation, programme, *optional)
        for number in range(3):
            recording = make_ready_recording(db, organisation, owner, programme=programme)
            primary = {"B1": None, "B2": None} if number == 2 else {"B1": 5, "B2": 4}
            make_observation(db, recording, coach, version, primary, submitted_at=at)
            make_observation(
                db,
                recording,
                second,
                version,
                {"B1": 3, "B2": 3},
                submitted_at=at + timedelta(minutes=1),
                rater_role="second",
                is_gold_standard=number == 1,
            )


def _counted(engine: Engine) -> set[uuid.UUID]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id FROM observation WHERE counts_for_fidelity = :yes"), {"yes": True}
        )
        return {uuid.UUID(str(row[0])) for row in rows}


def test_the_programme_rubric_version_migration_keeps_what_the_review_screen_showed(
    fresh_database_url: Callable[[], str],
) -> None:
    """0014 gives each existing programme the version the review screen used to pick: the
    first of its rubrics by title with a published version, and that version."""
    with _database_at_head(fresh_database_url) as (config, engine):
        with Session(engine, expire_on_commit=False) as db:
            organisation = make_organisation(db)
            scored, unscored = (make_programme(db, organisation, name) for name in "AB")
            only_draft = make_rubric_version(db, organisation, scored, status=RubricStatus.draft)
            first = make_rubric_version(db, organisation, scored, status=RubricStatus.retired)
            newest = make_rubric_version(db, organisation, scored, rubric=_rubric(db, first))
            later = make_rubric_version(db, organisation, scored)  # published, later by title
            make_rubric_version(db, organisation, unscored, status=RubricStatus.draft)
            for version, title in ((only_draft, "A"), (first, "B"), (later, "C")):
                rubric = _rubric(db, version)
                assert rubric is not None
                rubric.title = title
                db.add(rubric)
            db.commit()
        command.downgrade(config, "0013")
        command.upgrade(config, "head")
        with Session(engine) as db:
            assert db.get(Programme, scored.id).rubric_version_id == newest.id  # type: ignore[union-attr]
            assert db.get(Programme, unscored.id).rubric_version_id is None  # type: ignore[union-attr]


@contextmanager
def _database_at_head(fresh_database_url: Callable[[], str]) -> Iterator[tuple[Config, Engine]]:
    """A new database migrated to the head, and its engine (disposed of after)."""
    url = fresh_database_url()
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        yield config, engine
    finally:
        engine.dispose()


def _rubric(db: Session, version: RubricVersion) -> Rubric | None:
    return db.get(Rubric, version.rubric_id)


def test_the_first_comment_migration_keeps_what_the_app_keeps(
    fresh_database_url: Callable[[], str],
) -> None:
    """0023 fills `first_comment` for comments written before it: what the app keeps as
    comments are written and deleted (app/review/first_comments.py)."""
    with _database_at_head(fresh_database_url) as (config, engine):
        with Session(engine, expire_on_commit=False) as db:
            organisation = make_organisation(db)
            owner, coach, second = (make_user(db, organisation, role) for role in ROLES)
            for _ in range(2):
                recording = make_ready_recording(db, organisation, owner)
                gone = make_comment(db, recording, coach)
                for author in (coach, owner, second, coach):
                    make_comment(db, recording, author)
                gone.deleted_at = utcnow()
                db.flush()
                first_comments.comment_deleted(db, gone)
                db.commit()
        kept_by_app = _first_comments(engine)
        command.downgrade(config, "0022")
        command.upgrade(config, "head")
        assert _first_comments(engine) == kept_by_app
        assert len(kept_by_app) == 6  # three authors on each of two recordings


def _first_comments(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT recording_id, author_user_id, first_at FROM first_comment")
        )
        return {tuple(str(value) for value in row) for row in rows}  # type: ignore[misc]

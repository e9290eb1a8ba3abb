"""A plain route's plain dependencies run in the route's own trip to a worker thread.

FastAPI runs every plain (sync) dependency in a worker thread of its own before the
route: the sign-in check, the member, the recording asked for, each one trip, each
handing the interpreter lock to another thread and back. Under load each trip costs
about as much as a short query (wrk on /me over uvicorn: one trip fewer served it 25 %
faster, bench/README.md). Here FastAPI is shown, instead of each such dependency, an async
stand-in with the same parameters that only notes the call (`Deferred`); app/routing.py's
TandemRoute resolves the notes in the route's thread, before the route, in the order
FastAPI made them (its own order of the dependencies). FastAPI still reads every
parameter, header and body as before, and the schema is unchanged.

An async dependency that needs a deferred one is deferred too: those only read what
others made (`get_current_user`), so it runs to its end in the thread without waiting
for anything (`_run_without_suspending`). A generator dependency, a class instance (the
bearer scheme) and anything an async route asks for stay as FastAPI runs them.

Who is asking comes before what they sent, as before: when FastAPI finds the parameters
or body invalid, or an async dependency refuses them, the route never runs, so the route's
handler (`collecting`, used by TandemRoute) runs the notes made so far first; a caller who
is not signed in, or asks for something they may not see, still hears 401 or 404 rather
than 422.
"""

import dataclasses
import inspect
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, get_args, get_origin

from fastapi import params
from fastapi.dependencies.utils import get_typed_signature


@dataclasses.dataclass(eq=False)
class Deferred:
    """A dependency's call with the values FastAPI found for it, run once when asked."""

    call: Callable[..., Any]
    values: dict[str, Any]
    started: bool = False
    _done: bool = False
    _value: Any = None

    def resolve(self) -> Any:
        if not self._done:
            self.started = True
            value = self.call(**resolved(self.values))
            if inspect.iscoroutine(value):
                value = _run_without_suspending(value)
            self._value, self._done = value, True
        return self._value


# The notes made for the request being answered, in the order FastAPI made them (its
# own order of the dependencies).
_notes: ContextVar[list[Deferred] | None] = ContextVar("deferred_dependencies", default=None)


@contextmanager
def collecting() -> Iterator[list[Deferred]]:
    """Keep the notes FastAPI makes while solving one request's dependencies."""
    notes: list[Deferred] = []
    token = _notes.set(notes)
    try:
        yield notes
    finally:
        _notes.reset(token)


def resolve_notes() -> None:
    """Run the request's notes in the order they were made (in the route's thread): the
    first dependency to refuse the request answers for it, as it would have before."""
    for note in _notes.get() or ():
        if not note.started:  # else run already, as another note's dependency
            note.resolve()


def none_started(notes: list[Deferred]) -> bool:
    """True when the route's trip never began: no note has been run."""
    return bool(notes) and not any(note.started for note in notes)


def resolved(values: dict[str, Any]) -> dict[str, Any]:
    """The values with every Deferred among them resolved (a request's cache makes one
    Deferred per dependency, so each runs once whoever asks for it)."""
    return {
        name: value.resolve() if isinstance(value, Deferred) else value
        for name, value in values.items()
    }


def _run_without_suspending(coroutine: Coroutine[Any, Any, Any]) -> Any:
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise RuntimeError(
        "An async dependency that waits cannot follow a plain one in a plain route: "
        "make it plain, or the route async."
    )


def signature_with_deferred_dependencies(call: Callable[..., Any]) -> inspect.Signature:
    """`call`'s signature, each dependency in it replaced by its deferring stand-in where
    it has one."""
    return _deferring_signature(call)[0]


def _deferring_signature(call: Callable[..., Any]) -> tuple[inspect.Signature, bool]:
    """The signature, and whether any of its dependencies is deferred."""
    signature = inspect.signature(call)
    typed = get_typed_signature(call).parameters
    parameters, deferred = [], False
    for name, parameter in signature.parameters.items():
        annotation = _deferring_annotation(typed[name].annotation)
        default = _deferring_marker(parameter.default)
        deferred |= annotation is not typed[name].annotation or default is not parameter.default
        parameters.append(parameter.replace(annotation=annotation, default=default))
    return signature.replace(parameters=parameters), deferred


# One stand-in per dependency, shared by every route: FastAPI caches a dependency's value
# for a request by the callable, so a dependency asked for twice still runs once.
_STAND_INS: dict[Callable[..., Any], Callable[..., Any] | None] = {}


def _stand_in(dependency: Callable[..., Any]) -> Callable[..., Any] | None:
    """The async stand-in that defers `dependency`, or None where it runs as it is."""
    if dependency not in _STAND_INS:
        _STAND_INS[dependency] = None  # while its own parameters are looked at
        _STAND_INS[dependency] = _make_stand_in(dependency)
    return _STAND_INS[dependency]


def _make_stand_in(dependency: Callable[..., Any]) -> Callable[..., Any] | None:
    if not inspect.isfunction(dependency) or (
        inspect.isgeneratorfunction(dependency) or inspect.isasyncgenfunction(dependency)
    ):
        return None
    signature, needs_deferred = _deferring_signature(dependency)
    if inspect.iscoroutinefunction(dependency) and not needs_deferred:
        return None  # async and needs nothing deferred: it costs no trip as it is

    async def defer(**values: Any) -> Deferred:
        note = Deferred(dependency, values)
        notes = _notes.get()
        if notes is not None:
            notes.append(note)
        return note

    # What the original carries for the schema (the statuses it answers, app/error_docs.py).
    defer.__dict__.update(dependency.__dict__)
    defer.__signature__ = signature  # type: ignore[attr-defined]
    defer.__name__ = defer.__qualname__ = f"deferred_{dependency.__name__}"
    return defer


def _deferring_marker(default: Any) -> Any:
    if isinstance(default, params.Depends) and default.dependency is not None:
        stand_in = _stand_in(default.dependency)
        if stand_in is not None:
            return dataclasses.replace(default, dependency=stand_in)
    return default


def _deferring_annotation(annotation: Any) -> Any:
    if get_origin(annotation) is not Annotated:
        return annotation
    inner, *metadata = get_args(annotation)
    replaced = [_deferring_marker(each) for each in metadata]
    if all(new is old for new, old in zip(replaced, metadata, strict=True)):
        return annotation
    return Annotated[(inner, *replaced)]

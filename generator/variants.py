"""Question parameters of one activity in one semester: the defaults, or a variant drawn from a seed.

Each activity declares its parameters once, in its folder's ``parameters.py``: a frozen
``Questions`` dataclass, ``DEFAULTS``, ``FIELDS`` (each key's kind for the semester file),
``draw(rng)`` for a seeded variant and ``check(values, given, fail, origin)``. Explicit values in
the semester file always win; with a ``seed`` every value not given is drawn with Python's
``random.Random``, whose stream is stable across platforms and versions, so the same seed gives
the same variant everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import fields
from types import ModuleType
from typing import Any, Protocol

from .errors import ConfigError


class Fail(Protocol):
    def __call__(self, keys: str | tuple[str, ...], message: str, hint: str) -> None: ...


def draw_questions(parameters: ModuleType, given: dict[str, Any], where: Callable[[str], str],
                   table: str = "questions") -> Any:
    """Merge explicit values over the seeded draw (or the defaults) and check them.

    ``where(key)`` gives the location of a key for messages (``file:line``); ``table`` names the
    key's table in them (``activityNN.questions``). A problem between two keys is reported at
    the one the file sets, and a value the file does not set is named as drawn from the seed or
    taken from the defaults.
    """
    seed = given.get("seed")
    base = parameters.draw(random.Random(seed)) if seed is not None else dict(parameters.DEFAULTS)
    values = {**base, **given, "seed": seed}

    def origin(key: str) -> str:
        if key in given:
            return ""
        return f" (drawn from seed {seed})" if seed is not None else " (the default)"

    def fail(keys: str | tuple[str, ...], message: str, hint: str) -> None:
        keys = (keys,) if isinstance(keys, str) else keys
        key = next((k for k in keys if k in given), keys[0])  # blame the key the file sets
        raise ConfigError(f"{where(key)}: '{table}.{key}'{origin(key)} {message}", hint=hint)

    parameters.check(values, given, fail, origin)
    normalise = getattr(parameters, "normalise", lambda v: v)
    values = normalise(values)
    return parameters.Questions(**{f.name: values[f.name] for f in fields(parameters.Questions)})


def defaults(parameters: ModuleType) -> Any:
    """The activity's questions at their defaults (the original handout's, where there is one)."""
    return draw_questions(parameters, {}, where=str)

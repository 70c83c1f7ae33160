"""``new-activity``: a new activity folder that builds, proves and passes the provenance audit at once.

The folder has one example problem of each kind of content (a one-step derivation, one computed
number, one figure) to replace with the activity's own; with ``--semester`` its table is added to
that term's file, a week after the term's last activity.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from .activities import ACTIVITY_ID, activities_folder, find_activities
from .config_file import config_path, display
from .errors import ConfigError

FILES = {
    "__init__.py": '''"""Activity {number}, "{title}"."""

TITLE = {title!r}
NUMBER = {number}
''',
    "parameters.py": '''"""Activity {number}'s question parameters: defaults, a seeded variant, and the rules they obey.

See generator/variants.py for how a semester's values are merged over these.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from generator.variants import Fail


@dataclass(frozen=True)
class Questions:
    example_scale: float
    example_point: float
    seed: int | None = None


DEFAULTS: dict[str, Any] = {{"example_scale": 1.5, "example_point": 2.0}}

# Each key's kind for the semester file's validator, and an example as written there.
FIELDS: dict[str, tuple[str, str]] = {{
    "example_scale": ("number", "1.5"),
    "example_point": ("number", "2.0"),
}}


def draw(rng: random.Random) -> dict[str, Any]:
    """A variant a student can work by hand: simple values."""
    return {{"example_scale": rng.choice([0.5, 1.0, 1.5, 2.0, 3.0]), "example_point": rng.choice([-2.0, -1.0, 1.0, 2.0, 3.0])}}


def check(v: dict[str, Any], given: dict[str, Any], fail: Fail, origin: Callable[[str], str]) -> None:
    if v["example_scale"] == 0:
        fail("example_scale", "must not be 0 (the curve would be flat)", "use e.g. example_scale = 1.5")
''',
    "problems/__init__.py": '''"""Activity {number}'s problems, numbered by the order of their file names."""
''',
    "problems/01_example.py": '''"""An example problem: the derivative of a scaled square, proven, and its value at a point.

Replace it with the activity's own problems (one module each, numbered by file name).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from generator.notation import tex, unevaluated as U
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "Derivative of a scaled square"
a, x = sp.symbols("a x", real=True)
f = sp.Symbol("f")
DERIVATIVE = Derivation(
    key="example.derivative", problem=TITLE, title="derivative of f",
    lhs=sp.Derivative(f, x), definitions={{f: U(sp.Mul, a, U(sp.Pow, x, 2))}},
    steps=(Step(U(sp.Mul, 2, a, x), "power rule"),),
)
FORMULAS = {{
    "f": tex(U(sp.Eq, f, U(sp.Mul, a, U(sp.Pow, x, 2))), "example.f"),
    "derivative": tex(U(sp.Eq, sp.Derivative(f, x), U(sp.Mul, 2, a, x)), "example.derivative"),
}}


@dataclass(frozen=True)
class ExampleResult:
    scale: float
    point: float
    slope: float  # f'(point) = 2 a point
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def compute(q: Questions) -> ExampleResult:
    slope = 2 * q.example_scale * q.example_point
    h = 1e-6
    value = lambda v: q.example_scale * v * v  # noqa: E731
    difference = (value(q.example_point + h) - value(q.example_point - h)) / (2 * h)
    return ExampleResult(
        scale=q.example_scale, point=q.example_point, slope=slope, formulas=FORMULAS,
        derivations=(DERIVATIVE,),
        numeric_checks=(NumericCheck("example.finite_difference", TITLE, "the slope against a central difference",
                                     abs(difference - slope), 1e-6),),
    )
''',
    "figures/__init__.py": "",
    "figures/example.py": '''"""The example problem's figure: the curve and its tangent at the point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.figures import BLUE, VERMILLION, number_text


@dataclass(frozen=True)
class ExampleSpec:
    name: str
    height: float
    scale: float
    point: float
    slope: float
    numbers: tuple[tuple[float, str], ...]


def spec(results) -> ExampleSpec:
    r = results.example
    return ExampleSpec("example", 2.4, r.scale, r.point, r.slope, ((r.point, number_text(r.point)),))


def draw(spec: ExampleSpec, figure) -> None:
    ax = figure.subplots()
    xs = np.linspace(spec.point - 2, spec.point + 2, 201)
    ax.plot(xs, spec.scale * xs**2, color=BLUE, lw=1.5, label="$f$")
    y0 = spec.scale * spec.point**2
    ax.plot(xs, y0 + spec.slope * (xs - spec.point), color=VERMILLION, ls="--", lw=1.2, label="tangent")
    ax.plot([spec.point], [y0], "o", color="black", ms=4)
    ax.set_xlabel("$x$")
    ax.set_title(f"tangent at $x = {{number_text(spec.point)}}$")
    ax.legend(frameon=False)


def alt(spec: ExampleSpec) -> str:
    return (f"The curve f(x) = {{number_text(spec.scale)}} x² and its tangent at x = {{number_text(spec.point)}}, "
            f"of slope {{number_text(spec.slope)}}.")


def facts(spec: ExampleSpec) -> tuple[tuple[str, bool, str], ...]:
    """What the caption may say, each computed from what is drawn, and in words for the audit."""
    return (("rising", spec.slope > 0, "the tangent's slope is positive"),)
''',
    "prose/example.j2": '''((= The example problem. part is "question" or "solution"; see templates/prose.j2 '''
                        '''for the vocabulary. =))
((* import "prose.j2" as k with context *))
((* set p = results.example *))
((* if part == "question" *))
((( k.heading(problem) | macro )))
((* call k.p() *))
Differentiate \\( ((( p.formulas.f ))) \\), with \\( a = ((( p.scale ))) \\), with respect to \\( x \\), and give its
slope at \\( x = ((( p.point ))) \\).
((* endcall *))
((* else *))
((( k.derivation(p.derivations[0]) | macro )))
((* call k.p() *))
At \\( x = ((( p.point ))) \\) the slope is ((( p.slope ))); ((( k.ref("figure", "example") | macro ))) '''
                        '''shows the tangent there, which is
((* if figures.example.facts.rising *))rising((* else *))not rising((* endif *)).
((* endcall *))
((* call k.figure("example") *))
The curve \\( ((( p.formulas.f ))) \\) and its tangent at \\( x = ((( p.point ))) \\).
((* endcall *))
((* endif *))
''',
}


def new_activity(root: Path, activity_id: str, title: str, *, number: int | None = None,
                 semester: str | None = None) -> list[Path]:
    """Create ``activities/<activity_id>/`` (and its table in ``semester``'s file); return what was written."""
    if not ACTIVITY_ID.match(activity_id):
        raise ConfigError(f"'{activity_id}' is not an activity id",
                          hint="use 'activity' and the activity's number in two digits, as its folder is named")
    folder = activities_folder(root) if (root / "activities").is_dir() else root / "activities"
    target = folder / activity_id
    if target.exists():
        raise ConfigError(f"{display(target)} already exists", hint="choose another id, or edit that folder")
    if not title.strip():
        raise ConfigError("the title is empty", hint='give one: --title "Regularization"')
    number = number if number is not None else int(re.sub(r"\D", "", activity_id))
    table = _table(root, semester, activity_id, number) if semester else None
    written = []
    for name, text in FILES.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(number=number, title=title), encoding="utf-8")
        written.append(path)
    if table is not None:
        path, addition = table
        with path.open("a", encoding="utf-8") as handle:
            handle.write(addition)
        written.append(path)
    return written


def _table(root: Path, semester: str, activity_id: str, number: int) -> tuple[Path, str]:
    """The new activity's tables for ``semester``'s file: a week after the term's last activity."""
    path = config_path(root, semester)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{display(path)}: cannot be read ({exc})",
                          hint="fix the semester file, or leave out --semester") from None
    if activity_id in raw:
        raise ConfigError(f"{display(path)} already has a [{activity_id}] table", hint="edit it there")
    known = set(find_activities(root))
    dues = [v["due"] for k, v in raw.items() if k in known and isinstance(v, dict) and isinstance(v.get("due"), dt.datetime)]
    if dues:
        due = max(dues) + dt.timedelta(days=7)
    else:
        year = int(semester[:4])
        due = dt.datetime(year, {"winter": 1, "spring": 2, "summer": 6, "fall": 9}[semester[5:]], 15, 23, 59,
                          tzinfo=dt.UTC)
    release = (due + dt.timedelta(days=1)).replace(hour=8, minute=0)
    return path, (f"\n[{activity_id}]\ndate = {due.date().isoformat()}\ndue = {due.isoformat()}\n"
                  f"key_release = {release.isoformat()}\n\n[{activity_id}.canvas]\n"
                  f'folder = "Answer keys/Activity {number:02d}"\n')

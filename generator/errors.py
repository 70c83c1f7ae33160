"""One exception family, so the CLI can print a user's mistake in a few lines, not a traceback."""

from __future__ import annotations


class GeneratorError(Exception):
    """Base of every error the tool reports to its user; ``exit_code`` is the process status."""

    exit_code = 1
    stage = "error"

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self):
        """Survive the trip back from a worker process with every field (hint, status)."""
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))

    def render(self) -> str:
        text = f"{self.stage}: {self.message}"
        if self.hint:
            text += f"\n  how to fix: {self.hint}"
        return text


def _rebuild(cls, message: str, fields: dict) -> GeneratorError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(fields)
    return error


class ConfigError(GeneratorError):
    """A semester file is missing, unreadable or does not match the schema."""

    exit_code = 2
    stage = "config error"


class SetupError(GeneratorError):
    """A required tool (TeX, a LaTeX package) is missing from the machine."""

    exit_code = 2
    stage = "setup error"


class ProofError(GeneratorError):
    """A derivation step or a numeric cross-check did not hold."""

    stage = "proof failed"


class RenderError(GeneratorError):
    """A template could not be filled (missing value, number without provenance)."""

    stage = "template error"


class LatexError(GeneratorError):
    """latexmk failed; carries the relevant lines of the log."""

    stage = "LaTeX error"


class FigureError(GeneratorError):
    """A figure could not be drawn or is missing."""

    stage = "figure error"


class CanvasError(GeneratorError):
    """Canvas refused or failed a request; carries the HTTP status and Canvas's message."""

    stage = "Canvas error"

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status


class LintError(GeneratorError):
    """``lint`` could not read the key it was given (missing, not text); exit status 2."""

    exit_code = 2
    stage = "lint error"

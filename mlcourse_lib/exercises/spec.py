"""What an exercise is: one spec holds its reference, cases, known mistakes and alternatives.

A chapter's exercises live in one module of :mod:`mlcourse_lib.exercises.catalog`, as a
module-level list ``EXERCISES``. The notebook calls ``check("<id>", fn)``, the hidden
grading cell calls ``check("<id>", fn, hidden=True)`` and the test suite runs every
mistake and alternative through the very same checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["Case", "Mistake", "Exercise"]


@dataclass(frozen=True)
class Case:
    """One call of the student's function: ``fn(*args, **kwargs)``.

    ``label`` names the case in feedback ("a single sample", "logits of ±1000").
    Arguments are deep-copied before every call, so a ``np.random.Generator`` in
    ``args`` hands the same random stream to the reference and to the student.
    """

    label: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong implementation, and what to tell a student who made it.

    Parameters
    ----------
    name : str
        Short name shown in feedback: ``"sum instead of mean"``.
    explanation : str
        One or two sentences that say why it is wrong and what is right.
    fn : callable
        The wrong implementation, with the exercise's signature.
    """

    name: str
    explanation: str
    fn: Callable


def _default_cases(rng: np.random.Generator, hidden: bool) -> Sequence[Case]:
    raise NotImplementedError("an Exercise needs a `cases` function")


@dataclass(frozen=True)
class Exercise:
    """The single source of truth of one exercise.

    Parameters
    ----------
    id : str
        Stable identifier, also the nbgrader grade id of the answer cell (``"mse_loss"``).
    title : str
        Human title used in feedback.
    reference : callable
        The library function that solves the exercise. Expected outputs are computed
        from it at check time; no answer is stored anywhere.
    cases : callable ``(rng, hidden) -> list[Case]``
        Builds the cases. Public cases use a fixed seed; hidden cases a fresh one
        at grading time. Hidden case lists should include harder cases (extremes,
        other shapes) that the public list does not show.
    mistakes : tuple of Mistake
        Known wrong implementations; the test suite proves each is rejected.
    alternatives : tuple of callable
        Different but correct implementations; the test suite proves each passes.
    validate : callable ``(case, got) -> str or None``, optional
        Checks an output by its properties instead of comparing with the reference
        (for answers that are random, such as a shuffled split). Return a message
        describing the problem, or ``None``.
    forbidden : tuple of callable or str
        Functions that the student's code must not call, in addition to ``reference``:
        callables, or ``"module:qualname"`` strings (``"sklearn.metrics:mean_squared_error"``)
        for functions of packages that the library itself does not import.
    rtol, atol : float
        Tolerances for comparing numbers with the reference's output.
    public_seed : int
        Seed of the public cases: the same numbers every run.
    """

    id: str
    title: str
    reference: Callable
    cases: Callable[[np.random.Generator, bool], Sequence[Case]] = _default_cases
    mistakes: tuple[Mistake, ...] = ()
    alternatives: tuple[Callable, ...] = ()
    validate: Callable[[Case, Any], str | None] | None = None
    forbidden: tuple[Callable | str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    public_seed: int = 0

    def make_cases(self, *, hidden: bool, seed: int | None = None) -> list[Case]:
        """The public cases (fixed seed) or hidden cases (``seed``, fresh when None)."""
        if seed is None:
            seed = self.public_seed
        cases = list(self.cases(np.random.default_rng(seed), hidden))
        if not cases:
            raise ValueError(f"exercise {self.id!r} produced no cases")
        return cases

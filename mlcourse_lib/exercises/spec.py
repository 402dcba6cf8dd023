"""What an exercise is: one spec holds its reference, cases, known mistakes, alternatives and hints.

A chapter's exercises live in one module of :mod:`mlcourse_lib.exercises.catalog`, as a
module-level list ``EXERCISES``. The notebook calls ``check("<id>", fn)`` below the answer,
the graded cell at the end of the chapter calls ``assert_passes("<id>", fn, hidden=True)``,
and the test suite runs every mistake and alternative through the very same checker.
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

    The checker names a mistake only when the student's outputs equal the mistake's on
    every case it compared and no other known mistake fits as well, and only on evidence
    it can trust: a finite output that differs from the reference. A mistake whose only
    symptom is overflow (``non_finite=True``) is named when the student's output is NaN or
    infinite exactly where the mistake's is, and right everywhere else.

    Parameters
    ----------
    name : str
        Short name shown in feedback: ``"sum instead of mean"``.
    explanation : str
        One or two sentences that say why it is wrong and what is right.
    fn : callable
        The wrong implementation, with the exercise's signature.
    non_finite : bool
        The mistake differs from the reference only by NaN or infinite outputs.
    """

    name: str
    explanation: str
    fn: Callable
    non_finite: bool = False


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
        Builds the cases. The public list is built from ``public_seed``. The hidden list
        holds *fixed* cases (built without ``rng``) that catch every known mistake on
        their own, followed by random cases from ``rng`` that add breadth only: a grade
        never depends on the luck of a seed.
    mistakes : tuple of Mistake
        Known wrong implementations; the test suite proves each is rejected on the
        public cases and on the hidden cases of every seed it tries.
    alternatives : tuple of callable
        Different but correct implementations; the test suite proves each passes.
    hints : tuple of str
        Progressive hints, shown one at a time by ``hint(id)``: a nudge, then the idea,
        then the formula. Never code.
    points : int
        Points of the graded cell (the notebook's nbgrader metadata must agree).
    validate : callable ``(case, got) -> str or None``, optional
        Checks an output by its properties instead of comparing with the reference
        (for answers that are random, such as a shuffled split). Return a message
        describing the problem, or ``None``.
    behaviour : callable ``(call) -> str or None``, optional
        Checks how the function behaves over many calls, after every case passed: it
        receives ``call(*args, **kwargs)``, which runs the student's function under the
        checker's guards (time limit, call watching) and returns its output. Used for
        random answers: the same seed must give the same result, other seeds other
        results, and over many seeds the results must spread as a uniform shuffle does.
        Return a message describing the problem, or ``None``.
    allowed : tuple of str
        Dotted names (``"mlcourse_lib.losses.sigmoid"``) or prefixes ending in ``"."`` of
        library functions the student's code may call. Everything else in
        ``mlcourse_lib``, SciPy, scikit-learn and torch is reported while it runs.
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
    hints: tuple[str, ...] = ()
    points: int = 2
    validate: Callable[[Case, Any], str | None] | None = None
    behaviour: Callable[[Callable[..., Any]], str | None] | None = None
    allowed: tuple[str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    public_seed: int = 0

    def make_cases(self, *, hidden: bool, seed: int | None = None) -> list[Case]:
        """The public cases (``public_seed``) or the hidden cases (drawn from ``seed``)."""
        if hidden and seed is None:
            raise ValueError(f"hidden cases of {self.id!r} need a seed (see hidden_seed)")
        rng = np.random.default_rng(seed if hidden else self.public_seed)
        cases = list(self.cases(rng, hidden))
        if not cases:
            raise ValueError(f"exercise {self.id!r} produced no cases")
        return cases

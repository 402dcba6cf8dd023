"""Every exercise's check accepts the reference and correct alternatives and rejects its known mistakes.

The outcome is also summed up in the mutation table printed at the end of the run.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse_lib.exercises import all_exercises, run_check

EXERCISES = all_exercises()
HIDDEN_SEEDS = (11, 12345)


def _ids(items):
    return [getattr(x, "id", None) or getattr(x, "name", None) for x in items]


def test_catalog_is_not_empty_and_ids_are_unique():
    ids = [ex.id for ex in EXERCISES]
    assert len(ids) >= 9
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_every_exercise_has_mistakes_and_alternatives(exercise):
    assert len(exercise.mistakes) >= 2, f"{exercise.id} needs known mistakes"
    assert len(exercise.alternatives) >= 1, f"{exercise.id} needs a different correct implementation"
    assert len(exercise.make_cases(hidden=True, seed=1)) > len(exercise.make_cases(hidden=False))


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_reference_passes_public_and_hidden(exercise):
    # The reference itself is forbidden inside a student's function, so wrap it in a
    # copy that the call watcher does not recognise: the check must pass on values alone.
    reference = _clone(exercise.reference)
    report = run_check(exercise, reference)
    assert report.passed, report.message
    for seed in HIDDEN_SEEDS:
        report = run_check(exercise, reference, hidden=True, seed=seed)
        assert report.passed, report.message


CASES = [(ex, m) for ex in EXERCISES for m in ex.mistakes]


@pytest.mark.parametrize("exercise,mistake", CASES, ids=[f"{e.id}:{m.name}" for e, m in CASES])
def test_known_mistake_is_rejected_and_named(exercise, mistake, mutation_table):
    row = mutation_table[exercise.id]
    row["mistakes"] += 1
    public = run_check(exercise, mistake.fn)
    hidden = [run_check(exercise, mistake.fn, hidden=True, seed=s) for s in HIDDEN_SEEDS]
    rejected = not public.passed and not any(h.passed for h in hidden)
    row["rejected"] += rejected
    row["named"] += public.mistake == mistake.name
    assert not public.passed, f"public check accepted the mistake {mistake.name!r}"
    for h in hidden:
        assert not h.passed, f"hidden check (seed {h.seed}) accepted the mistake {mistake.name!r}"
    assert public.mistake == mistake.name, public.message
    assert mistake.name in public.message


ALTS = [(ex, i, alt) for ex in EXERCISES for i, alt in enumerate(ex.alternatives)]


@pytest.mark.parametrize("exercise,index,alternative", ALTS, ids=[f"{e.id}:alt{i}" for e, i, _ in ALTS])
def test_different_correct_implementation_passes(exercise, index, alternative, mutation_table):
    row = mutation_table[exercise.id]
    row["alternatives"] += 1
    reports = [run_check(exercise, alternative)] + [
        run_check(exercise, alternative, hidden=True, seed=s) for s in HIDDEN_SEEDS]
    row["accepted"] += all(r.passed for r in reports)
    for r in reports:
        assert r.passed, r.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_calling_the_reference_is_detected(exercise):
    ref = exercise.reference

    def lazy(*args, **kwargs):
        return ref(*args, **kwargs)

    report = run_check(exercise, lazy)
    assert not report.passed
    assert report.called_reference
    assert "library's own answer" in report.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_cheating_objects_and_stubs_are_rejected(exercise):
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    def cheat(*args, **kwargs):
        return AlwaysEqual()

    def stub(*args, **kwargs):
        raise NotImplementedError()

    def forgot_return(*args, **kwargs):
        pass

    assert not run_check(exercise, cheat).passed
    assert "not implemented yet" in run_check(exercise, stub).message
    assert "returned None" in run_check(exercise, forgot_return).message


def _clone(fn):
    """A function with the same behaviour as ``fn`` but a distinct code object."""
    import types

    code = fn.__code__.replace()  # a new code object with the same content
    clone = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    clone.__kwdefaults__ = fn.__kwdefaults__
    return clone


RANDOM_ANSWERS = [ex for ex in EXERCISES if ex.validate is not None]


@pytest.mark.parametrize("exercise", RANDOM_ANSWERS, ids=_ids(RANDOM_ANSWERS))
def test_property_checks_never_reject_a_correct_random_answer(exercise):
    # Random answers (splits, batches) are judged by properties; over many fresh seeds, as at
    # grading time, a correct implementation must pass every time.
    reference = _clone(exercise.reference)
    failures = [r.message for seed in range(300)
                if not (r := run_check(exercise, reference, hidden=True, seed=seed)).passed]
    assert not failures, failures[0]


def test_calling_an_equivalent_library_or_scikit_learn_function_is_detected():
    import sklearn.metrics

    from mlcourse_lib import data, metrics

    via_metrics = run_check("mse_loss", lambda y_true, y_pred: metrics.mean_squared_error(y_true, y_pred))
    via_sklearn = run_check("mse_loss", lambda y_true, y_pred: sklearn.metrics.mean_squared_error(y_true, y_pred))
    assert via_metrics.called_reference and via_sklearn.called_reference
    assert "mean_squared_error" in via_sklearn.message

    def split_by_helper(n_samples, test_fraction, rng):
        idx = np.arange(n_samples)
        train, _, test = data.train_val_test_split(idx, val_fraction=0, test_fraction=test_fraction, rng=rng)
        return train, test

    assert run_check("train_test_indices", split_by_helper).called_reference

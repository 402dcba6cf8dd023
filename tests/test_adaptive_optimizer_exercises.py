"""The checkers of chapter 05 (momentum, RMSProp, Adam, AdamW) against more answers.

The catalog's known mistakes and alternatives are covered by tests/test_exercises.py; here,
honest but wrong answers that are not worth a named mistake must be rejected (by a fixed hidden
case on every seed), and right answers written differently must pass.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mlcourse_lib.exercises import get_exercise, run_check
from mlcourse_lib.optim import AdamState, MomentumState, RMSPropState

SEEDS = range(10)


def _fixed_labels(exercise):
    return {c.label for c in exercise.make_cases(hidden=True, seed=0) if not c.label.startswith("random:")}


def _failed_case(report):
    match = re.match(r"✗ \S+ — case (['\"])(.*)\1 failed\.", report.message)
    return match.group(2) if match else None


# --- honest but wrong ----------------------------------------------------------------------------

def momentum_nesterov_instead(params, grads, state, *, lr, momentum=0.9):
    velocity = momentum * state.velocity + grads
    return params - lr * (grads + momentum * velocity), MomentumState(velocity)


def momentum_state_holds_step(params, grads, state, *, lr, momentum=0.9):
    velocity = momentum * state.velocity + grads
    return params - lr * velocity, MomentumState(lr * velocity)


def rmsprop_abs_gradient(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * state.square_avg + (1 - alpha) * np.abs(grads)
    return params - lr * grads / (np.sqrt(v) + eps), RMSPropState(v)


def rmsprop_with_bias_correction(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    v = alpha * state.square_avg + (1 - alpha) * grads**2
    return params - lr * grads / (np.sqrt(v / (1 - alpha)) + eps), RMSPropState(v)


def adam_only_m_corrected(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * grads**2
    return params - lr * m / (1 - beta1**t) / (np.sqrt(v) + eps), AdamState(t, m, v)


def adam_corrected_moments_stored(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.step + 1
    m = (beta1 * state.m + (1 - beta1) * grads) / (1 - beta1**t)
    v = (beta2 * state.v + (1 - beta2) * grads**2) / (1 - beta2**t)
    return params - lr * m / (np.sqrt(v) + eps), AdamState(t, m, v)


def adam_ascent(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * grads**2
    return params + lr * m / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + eps), AdamState(t, m, v)


def adamw_decay_squared_lr(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                           weight_decay=1e-2):
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * grads**2
    step = lr * m / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return params * (1 - lr * lr * weight_decay) - step, AdamState(t, m, v)


def adamw_decay_added(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                      weight_decay=1e-2):
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * grads**2
    step = lr * m / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return params - step - lr * weight_decay, AdamState(t, m, v)


HONEST_BUT_WRONG = [
    ("momentum_step", momentum_nesterov_instead),
    ("momentum_step", momentum_state_holds_step),
    ("rmsprop_step", rmsprop_abs_gradient),
    ("rmsprop_step", rmsprop_with_bias_correction),
    ("adam_step", adam_only_m_corrected),
    ("adam_step", adam_corrected_moments_stored),
    ("adam_step", adam_ascent),
    ("adamw_step", adamw_decay_squared_lr),
    ("adamw_step", adamw_decay_added),
]


@pytest.mark.parametrize("exercise_id,answer", HONEST_BUT_WRONG,
                         ids=[f"{e}:{fn.__name__}" for e, fn in HONEST_BUT_WRONG])
def test_honest_but_wrong_answer_is_rejected_by_a_fixed_case(exercise_id, answer):
    exercise = get_exercise(exercise_id)
    assert not run_check(exercise, answer).passed
    fixed = _fixed_labels(exercise)
    for seed in SEEDS:
        report = run_check(exercise, answer, hidden=True, seed=seed)
        assert not report.passed and _failed_case(report) in fixed, report.message


# --- right answers written differently ------------------------------------------------------------

def momentum_plain_tuple_state(params, grads, state, *, lr, momentum=0.9):
    (velocity,) = state
    velocity = momentum * velocity + grads
    return params - lr * velocity, (velocity,)


def adam_loop_over_entries(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    import math

    t = state.step + 1
    new, m, v = (np.empty_like(params) for _ in range(3))
    for i in np.ndindex(params.shape):
        m[i] = beta1 * state.m[i] + (1 - beta1) * grads[i]
        v[i] = beta2 * state.v[i] + (1 - beta2) * grads[i] * grads[i]
        new[i] = params[i] - lr * (m[i] / (1 - beta1**t)) / (math.sqrt(v[i] / (1 - beta2**t)) + eps)
    return new, AdamState(step=t, m=m, v=v)


def adamw_list_result(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                      weight_decay=1e-2):
    new, new_state = adam_loop_over_entries(params * (1 - lr * weight_decay), grads, state, lr=lr,
                                            beta1=beta1, beta2=beta2, eps=eps)
    return [new, new_state]


@pytest.mark.parametrize("exercise_id,answer", [
    ("momentum_step", momentum_plain_tuple_state),
    ("adam_step", adam_loop_over_entries),
    ("adamw_step", adamw_list_result),
], ids=lambda x: getattr(x, "__name__", x))
def test_right_answers_written_differently_pass(exercise_id, answer):
    exercise = get_exercise(exercise_id)
    assert run_check(exercise, answer).passed
    for seed in SEEDS:
        report = run_check(exercise, answer, hidden=True, seed=seed)
        assert report.passed, report.message


def test_feedback_names_the_state_and_the_mistake():
    from mlcourse_lib.exercises.catalog.adaptive_optimizers import _adam_no_bias_correction

    report = run_check("adam_step", _adam_no_bias_correction)
    assert "state=AdamState(step=0" in report.message and "no bias correction" in report.message

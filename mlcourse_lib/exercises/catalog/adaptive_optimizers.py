"""Exercises on momentum, RMSProp, Adam and AdamW (chapter "Momentum, RMSProp, Adam").

Each exercise is one update rule as a pure function, ``(params, grads, state, *, hyper) ->
(new_params, new_state)``, with the state NamedTuple of :mod:`mlcourse_lib.optim` and
torch.optim's conventions. A case is one step; the cases that start from a state after a few
earlier steps (built with the reference, on fixed gradients) are what tell a step counter
or a bias correction from its mistakes.
"""

from __future__ import annotations

import numpy as np

from ...optim import (
    AdamState,
    MomentumState,
    RMSPropState,
    adam_init,
    adam_step,
    adamw_step,
    momentum_init,
    momentum_step,
    rmsprop_init,
    rmsprop_step,
)
from ..spec import Case, Exercise, Mistake

CHAPTER = "05_momentum_rmsprop_adam"


def _after(init, step, params, gradients, **hyper):
    """``(params, state)`` after one reference step per gradient in ``gradients``, from ``init(params)``."""
    params = np.asarray(params, dtype=float)
    state = init(params)
    for g in gradients:
        params, state = step(params, np.asarray(g, dtype=float), state, **hyper)
    return params, state


def _case(label, init, step, params, history, grads, **hyper):
    """A case that starts from the state after the steps of ``history`` (possibly none)."""
    params, state = _after(init, step, params, history, **hyper)
    return Case(label, (params, np.asarray(grads, dtype=float), state), hyper)


# --- momentum_step ----------------------------------------------------------------------------

def _momentum_case(label, params, history, grads, **hyper):
    return _case(label, momentum_init, momentum_step, params, history, grads, **hyper)


def _momentum_cases(rng, hidden):
    if not hidden:
        return [
            _momentum_case("first step from a zero velocity", [1.0, -2.0, 0.5], [], [0.4, -1.5, 2.0],
                           lr=0.1, momentum=0.9),
            _momentum_case("after three steps", [1.0, -2.0, 0.5],
                           [[0.4, -1.5, 2.0], [0.3, -1.0, 1.0], [0.5, 0.2, -0.5]], [0.2, 0.6, -0.4],
                           lr=0.05, momentum=0.8),
            Case("a 2×3 matrix with a given velocity",
                 (rng.normal(size=(2, 3)), rng.normal(size=(2, 3)),
                  MomentumState(velocity=rng.normal(size=(2, 3)))), {"lr": 0.2, "momentum": 0.5}),
        ]
    shape = tuple(int(k) for k in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    return [
        _momentum_case("after four steps, momentum 0.95", [3.0, -1.0],
                       [[1.0, -2.0], [0.5, -1.0], [2.0, 0.5], [-1.0, 1.5]], [0.7, -0.3],
                       lr=0.3, momentum=0.95),
        Case("a velocity pointing against the gradient",
             (np.array([0.5, 1.5, -2.5]), np.array([1.0, -2.0, 0.5]),
              MomentumState(velocity=np.array([-3.0, 4.0, -1.0]))), {"lr": 0.02, "momentum": 0.6}),
        Case(f"random: shape {shape}",
             (rng.normal(size=shape), rng.normal(size=shape), MomentumState(velocity=rng.normal(size=shape))),
             {"lr": float(rng.uniform(0.01, 0.5)), "momentum": float(rng.uniform(0.3, 0.99))}),
    ]


def _momentum_lr_inside(params, grads, state, *, lr, momentum=0.9):
    velocity = momentum * state.velocity + lr * grads
    return params - velocity, MomentumState(velocity=velocity)


def _momentum_dampened(params, grads, state, *, lr, momentum=0.9):
    velocity = momentum * state.velocity + (1 - momentum) * grads
    return params - lr * velocity, MomentumState(velocity=velocity)


def _momentum_uphill(params, grads, state, *, lr, momentum=0.9):
    velocity = momentum * state.velocity + grads
    return params + lr * velocity, MomentumState(velocity=velocity)


def _momentum_state_not_returned(params, grads, state, *, lr, momentum=0.9):
    velocity = momentum * state.velocity + grads
    return params - lr * velocity, state


def _momentum_ignores_velocity(params, grads, state, *, lr, momentum=0.9):
    velocity = grads.copy()
    return params - lr * velocity, MomentumState(velocity=velocity)


def _momentum_sutskever_form(params, grads, state, *, lr, momentum=0.9):
    # v = -lr * b (the cs231n velocity), stepped with θ + v, converted back to torch's buffer
    v = momentum * (-lr * state.velocity) - lr * grads
    return params + v, MomentumState(velocity=-v / lr)


def _momentum_in_place_on_copies(params, grads, state, *, lr, momentum=0.9):
    velocity = state.velocity.copy()
    velocity *= momentum
    velocity += grads
    new_params = params.copy()
    new_params -= lr * velocity
    return new_params, state._replace(velocity=velocity)


MOMENTUM_STEP = Exercise(
    id="momentum_step",
    title="Heavy-ball momentum (torch's convention)",
    reference=momentum_step,
    cases=_momentum_cases,
    mistakes=(
        Mistake("learning rate inside the velocity",
                "v ← μv + αg, θ ← θ − v is another convention (cs231n's, up to sign): its velocity "
                "is α times torch's buffer, so the two give the same path only while α stays "
                "constant. This exercise, like torch.optim.SGD, keeps b ← μb + g and steps "
                "θ ← θ − αb.",
                _momentum_lr_inside),
        Mistake("dampened gradient (1 − μ)g",
                "b ← μb + (1 − μ)g is a moving average (torch's dampening = μ, or Adam's first "
                "moment); heavy-ball momentum adds the whole gradient: b ← μb + g.",
                _momentum_dampened),
        Mistake("steps along +velocity",
                "The buffer accumulates gradients, which point uphill; the step goes against it: "
                "θ ← θ − αb.",
                _momentum_uphill),
        Mistake("the old state returned",
                "The new velocity b must be returned in the new state, or the next step starts "
                "from the old one and the momentum is lost.",
                _momentum_state_not_returned),
        Mistake("the velocity ignored",
                "b ← g is a plain gradient step; momentum adds μ times the velocity of the "
                "previous step, b ← μb + g, with b taken from state.velocity.",
                _momentum_ignores_velocity),
    ),
    alternatives=(_momentum_sutskever_form, _momentum_in_place_on_copies),
    points=2,
    hints=(
        "The state carries one array, the velocity, from one step to the next; the new velocity "
        "goes into the returned state.",
        "First update the velocity from the old one and the gradient, then move the parameters "
        "against the new velocity, scaled by the learning rate (and not before: the velocity "
        "itself holds no learning rate).",
        "b ← μ·b + g, then θ ← θ − α·b; return (θ, MomentumState(velocity=b)).",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- rmsprop_step -----------------------------------------------------------------------------

def _rmsprop_case(label, params, history, grads, **hyper):
    return _case(label, rmsprop_init, rmsprop_step, params, history, grads, **hyper)


def _rmsprop_cases(rng, hidden):
    if not hidden:
        return [
            _rmsprop_case("first step, one tiny gradient", [1.0, -2.0, 0.5, 3.0], [],
                          [0.5, -1.5, 1e-6, 2.0], lr=0.01, alpha=0.99, eps=1e-8),
            _rmsprop_case("after five steps, positive gradients", [0.5, 1.0, -1.0],
                          [[1.0, 0.2, 3.0], [0.8, 0.1, 2.0], [0.5, 0.3, 1.0], [0.9, 0.2, 2.5],
                           [0.4, 0.1, 1.5]], [0.6, 0.25, 2.0], lr=0.05, alpha=0.9, eps=1e-8),
            Case("a 2×2 matrix, eps = 0.1",
                 (rng.normal(size=(2, 2)), rng.normal(size=(2, 2)),
                  RMSPropState(square_avg=rng.uniform(0.01, 2.0, size=(2, 2)))),
                 {"lr": 0.1, "alpha": 0.95, "eps": 0.1}),
        ]
    shape = tuple(int(k) for k in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    return [
        _rmsprop_case("first step, a gradient of 1e-7", [2.0, -1.0, 0.0], [], [1e-7, 4.0, 0.3],
                      lr=0.02, alpha=0.9, eps=1e-8),
        _rmsprop_case("after three steps, eps = 0.05", [1.0, 2.0],
                      [[2.0, 0.5], [1.0, 0.1], [3.0, 0.2]], [1.5, 0.3], lr=0.1, alpha=0.8, eps=0.05),
        Case(f"random: shape {shape}",
             (rng.normal(size=shape), rng.normal(size=shape),
              RMSPropState(square_avg=rng.uniform(0.0, 3.0, size=shape))),
             {"lr": float(rng.uniform(0.001, 0.1)), "alpha": float(rng.uniform(0.5, 0.999)),
              "eps": float(10 ** rng.uniform(-8, -2))}),
    ]


def _rmsprop_no_sqrt(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    square_avg = alpha * state.square_avg + (1 - alpha) * grads**2
    return params - lr * grads / (square_avg + eps), RMSPropState(square_avg=square_avg)


def _rmsprop_eps_inside(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    square_avg = alpha * state.square_avg + (1 - alpha) * grads**2
    return params - lr * grads / np.sqrt(square_avg + eps), RMSPropState(square_avg=square_avg)


def _rmsprop_alpha_swapped(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    square_avg = (1 - alpha) * state.square_avg + alpha * grads**2
    return params - lr * grads / (np.sqrt(square_avg) + eps), RMSPropState(square_avg=square_avg)


def _rmsprop_not_squared(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    square_avg = alpha * state.square_avg + (1 - alpha) * grads
    with np.errstate(invalid="ignore"):
        return params - lr * grads / (np.sqrt(square_avg) + eps), RMSPropState(square_avg=square_avg)


def _rmsprop_old_average(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    square_avg = alpha * state.square_avg + (1 - alpha) * grads**2
    return params - lr * grads / (np.sqrt(state.square_avg) + eps), RMSPropState(square_avg=square_avg)


def _rmsprop_rms_first(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    square_avg = state.square_avg + (1 - alpha) * (grads * grads - state.square_avg)
    rms = square_avg**0.5
    return params - lr * (grads / (rms + eps)), RMSPropState(square_avg)


def _rmsprop_elementwise(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    import math

    new_params, square_avg = np.empty_like(params), np.empty_like(params)
    for i in np.ndindex(params.shape):
        square_avg[i] = alpha * state.square_avg[i] + (1 - alpha) * grads[i] ** 2
        new_params[i] = params[i] - lr * grads[i] / (math.sqrt(square_avg[i]) + eps)
    return new_params, RMSPropState(square_avg=square_avg)


RMSPROP_STEP = Exercise(
    id="rmsprop_step",
    title="RMSProp (torch's convention)",
    reference=rmsprop_step,
    cases=_rmsprop_cases,
    mistakes=(
        Mistake("square root missing",
                "The gradient is divided by a root mean square, √v + ε, which has the units of the "
                "gradient; dividing by v itself makes the step shrink like 1/|g|.",
                _rmsprop_no_sqrt),
        Mistake("ε inside the square root",
                "torch.optim.RMSprop adds ε after the square root: g / (√v + ε). Inside it, √(v + ε) "
                "is at least √ε = 10⁻⁴ for ε = 10⁻⁸, so coordinates with tiny gradients barely move.",
                _rmsprop_eps_inside),
        Mistake("α and 1 − α swapped",
                "α is the weight of the old average: v ← αv + (1 − α)g². With α = 0.99 the new "
                "squared gradient gets the small weight 0.01.",
                _rmsprop_alpha_swapped),
        Mistake("gradient not squared",
                "v averages squared gradients, g², so that it is ≥ 0 and √v is the gradient's "
                "typical size; averaging g itself can go negative and √v NaN.",
                _rmsprop_not_squared),
        Mistake("the old average used in the step",
                "Update v first, then divide by √v with the new v (it includes the current "
                "gradient); on the first step the old v is 0 and the step is g/ε, huge.",
                _rmsprop_old_average),
    ),
    alternatives=(_rmsprop_rms_first, _rmsprop_elementwise),
    points=2,
    hints=(
        "The state is a running average of squared gradients, one number per parameter; update "
        "it first, then use it to scale the gradient.",
        "Each coordinate's gradient is divided by the square root of its running average (plus "
        "ε, outside the root), so coordinates with large gradients take smaller steps.",
        "v ← α·v + (1 − α)·g², then θ ← θ − lr·g / (√v + ε); return (θ, RMSPropState(square_avg=v)).",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- adam_step --------------------------------------------------------------------------------

def _adam_case(label, params, history, grads, **hyper):
    return _case(label, adam_init, adam_step, params, history, grads, **hyper)


def _random_history(rng, shape, n):
    return [rng.normal(size=shape) for _ in range(n)]


def _adam_cases(rng, hidden):
    if not hidden:
        matrix = np.array([[0.5, -1.0], [2.0, 0.25]])
        return [
            _adam_case("first step, one tiny gradient", [1.0, -2.0, 0.5], [], [0.3, -1.2, 1e-6],
                       lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8),
            _adam_case("after three steps, positive gradients", [0.5, 1.0, -1.0],
                       [[1.0, 0.2, 3.0], [0.8, 0.1, 2.0], [0.5, 0.3, 1.0]], [0.6, 0.25, 2.0],
                       lr=0.05, beta1=0.8, beta2=0.99, eps=1e-8),
            _adam_case("a 2×2 matrix after ten steps, eps = 1e-3", matrix,
                       _random_history(rng, (2, 2), 10), rng.normal(size=(2, 2)),
                       lr=0.01, beta1=0.9, beta2=0.999, eps=1e-3),
        ]
    shape = tuple(int(k) for k in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    n_before = int(rng.integers(0, 30))
    return [
        _adam_case("first step, gradients of 1e-7 and 5", [2.0, -1.0, 0.0], [], [1e-7, 5.0, -0.4],
                   lr=0.02, beta1=0.9, beta2=0.999, eps=1e-8),
        _adam_case("after six steps, betas (0.5, 0.9)", [1.0, 2.0],
                   [[2.0, 0.5], [1.0, 0.1], [3.0, 0.2], [0.5, 0.4], [1.5, 0.3], [2.5, 0.1]],
                   [1.5, 0.3], lr=0.1, beta1=0.5, beta2=0.9, eps=1e-8),
        _adam_case(f"random: shape {shape} after {n_before} steps", rng.normal(size=shape),
                   _random_history(rng, shape, n_before), rng.normal(size=shape),
                   lr=float(rng.uniform(0.001, 0.1)), beta1=float(rng.uniform(0.5, 0.95)),
                   beta2=float(rng.uniform(0.9, 0.9999)), eps=float(10 ** rng.uniform(-8, -3))),
    ]


def _adam_with(params, grads, state, *, lr, beta1, beta2, eps, t=None, correct=True, eps_inside=False,
               square=True, advance=True):
    """Adam with one ingredient changed: the known mistakes below are one switch each."""
    t_used = state.step + 1 if t is None else t
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * (grads**2 if square else grads)
    with np.errstate(divide="ignore", invalid="ignore"):
        m_hat = m / (1 - beta1**t_used) if correct else m
        v_hat = v / (1 - beta2**t_used) if correct else v
        denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        new_params = params - lr * m_hat / denominator
    return new_params, AdamState(step=state.step + 1 if advance else state.step, m=m, v=v)


def _adam_no_bias_correction(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_with(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps, correct=False)


def _adam_eps_inside(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_with(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps, eps_inside=True)


def _adam_t_from_zero(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_with(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps, t=state.step)


def _adam_betas_swapped(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_with(params, grads, state, lr=lr, beta1=beta2, beta2=beta1, eps=eps)


def _adam_not_squared(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_with(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps, square=False)


def _adam_step_not_advanced(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_with(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps, advance=False)


def _adam_torch_form(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # torch.optim.Adam's own arrangement: step size lr / (1 - β1^t), denominator √v / √(1 - β2^t) + ε
    t = state.step + 1
    m = state.m * beta1 + grads * (1 - beta1)
    v = state.v * beta2 + grads * grads * (1 - beta2)
    step_size = lr / (1 - beta1**t)
    denominator = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
    return params - step_size * m / denominator, AdamState(t, m, v)


def _adam_kingma_ba_efficient_form(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # Kingma & Ba's "more efficient" order (Section 2), with their ε̂ = ε·√(1 - β2^t)
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * grads**2
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    eps_hat = eps * np.sqrt(1 - beta2**t)
    return params - lr_t * m / (np.sqrt(v) + eps_hat), state._replace(step=t, m=m, v=v)


ADAM_STEP = Exercise(
    id="adam_step",
    title="Adam with bias correction (torch's convention)",
    reference=adam_step,
    cases=_adam_cases,
    mistakes=(
        Mistake("no bias correction",
                "m and v start at 0, so early on they are too small: m₁ = (1 − β₁)g is 10 times "
                "too small for β₁ = 0.9. Divide by 1 − β₁ᵗ and 1 − β₂ᵗ: m̂ = m/(1 − β₁ᵗ), "
                "v̂ = v/(1 − β₂ᵗ), and step with m̂/(√v̂ + ε).",
                _adam_no_bias_correction),
        Mistake("ε inside the square root",
                "torch.optim.Adam adds ε after the square root: m̂/(√v̂ + ε). Inside it, √(v̂ + ε) "
                "is at least √ε = 10⁻⁴ for ε = 10⁻⁸, so coordinates with tiny gradients take "
                "steps far smaller than lr.",
                _adam_eps_inside),
        Mistake("t counted from 0",
                "state.step counts the updates done so far, so this update is t = state.step + 1 "
                "(the first one is t = 1; with t = 0, 1 − β⁰ = 0 and the step divides by zero).",
                _adam_t_from_zero),
        Mistake("β₁ and β₂ swapped",
                "β₁ (0.9 by default) is the decay of the first moment m, the average of g; β₂ "
                "(0.999) that of the second moment v, the average of g².",
                _adam_betas_swapped),
        Mistake("gradient not squared in v",
                "v is the moving average of g², the squared gradient: v ← β₂v + (1 − β₂)g². "
                "Averaging g itself can go negative, and √v̂ then is NaN.",
                _adam_not_squared),
        Mistake("step count not advanced",
                "The new state must carry step = state.step + 1, or the next update uses the same "
                "t and its bias correction is wrong.",
                _adam_step_not_advanced),
    ),
    alternatives=(_adam_torch_form, _adam_kingma_ba_efficient_form),
    points=3,
    hints=(
        "Adam keeps three things in its state: how many updates were done, a moving average of "
        "the gradient and a moving average of its square. Update all three, then step.",
        "Both averages start at zero, so divide each by one minus its β to the power t, the "
        "number of this update (counting from 1), before using them. Then move each coordinate "
        "by lr times the corrected first moment over the square root of the corrected second "
        "moment, with ε added after the root.",
        "t = state.step + 1; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); "
        "v̂ = v/(1 − β₂ᵗ); θ ← θ − lr·m̂/(√v̂ + ε); return (θ, AdamState(step=t, m=m, v=v)).",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- adamw_step -------------------------------------------------------------------------------

def _adamw_case(label, params, history, grads, **hyper):
    return _case(label, adam_init, adamw_step, params, history, grads, **hyper)


def _adamw_cases(rng, hidden):
    if not hidden:
        return [
            _adamw_case("first step, weight_decay = 0.5", [2.0, -1.0, 0.5], [], [0.3, -1.2, 0.8],
                        lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.5),
            _adamw_case("after four steps", [1.5, 3.0, -2.0],
                        [[0.5, -1.0, 2.0], [0.4, -0.5, 1.0], [0.1, 0.3, -0.5], [0.6, -0.2, 0.2]],
                        [0.3, 0.1, -0.4], lr=0.05, beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.2),
            _adamw_case("a 2×2 matrix after five steps", rng.normal(size=(2, 2)),
                        _random_history(rng, (2, 2), 5), rng.normal(size=(2, 2)),
                        lr=0.02, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.05),
        ]
    shape = tuple(int(k) for k in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    n_before = int(rng.integers(0, 20))
    return [
        _adamw_case("first step with large weights", [10.0, -5.0], [], [0.2, 0.5],
                    lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.3),
        _adamw_case("after five steps, weight_decay = 1", [1.0, -2.0, 4.0],
                    [[1.0, 0.5, -0.5], [0.2, 0.1, -1.0], [0.5, -0.5, 0.3], [1.0, 1.0, -0.2],
                     [-0.3, 0.4, 0.6]], [0.5, -0.2, 0.1], lr=0.2, beta1=0.85, beta2=0.95, eps=1e-8,
                    weight_decay=1.0),
        _adamw_case(f"random: shape {shape} after {n_before} steps", rng.normal(size=shape),
                    _random_history(rng, shape, n_before), rng.normal(size=shape),
                    lr=float(rng.uniform(0.001, 0.1)), beta1=float(rng.uniform(0.5, 0.95)),
                    beta2=float(rng.uniform(0.9, 0.9999)), eps=1e-8,
                    weight_decay=float(rng.uniform(0.01, 1.0))),
    ]


def _adam_update(params, grads, state, *, lr, beta1, beta2, eps):
    """The reference Adam step written out (the mistakes below change what goes in or out)."""
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * grads
    v = beta2 * state.v + (1 - beta2) * grads**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), AdamState(step=t, m=m, v=v)


def _adamw_decay_after_with_new_params(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999,
                                       eps=1e-8, weight_decay=1e-2):
    stepped, new_state = _adam_update(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    return stepped * (1 - lr * weight_decay), new_state


def _adamw_decay_without_lr(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                            weight_decay=1e-2):
    return _adam_update(params * (1 - weight_decay), grads, state, lr=lr, beta1=beta1, beta2=beta2,
                        eps=eps)


def _adamw_l2_in_gradient(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          weight_decay=1e-2):
    return _adam_update(params, grads + weight_decay * params, state, lr=lr, beta1=beta1, beta2=beta2,
                        eps=eps)


def _adamw_decay_in_first_moment(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                 weight_decay=1e-2):
    t = state.step + 1
    m = beta1 * state.m + (1 - beta1) * (grads + weight_decay * params)
    v = beta2 * state.v + (1 - beta2) * grads**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), AdamState(step=t, m=m, v=v)


def _adamw_decay_after_with_old_params(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999,
                                       eps=1e-8, weight_decay=1e-2):
    stepped, new_state = _adam_update(params, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    return stepped - lr * weight_decay * params, new_state


def _adamw_torch_order(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                       weight_decay=1e-2):
    # as torch.optim.AdamW: decay the weights first, then the Adam update on the decayed weights
    theta = params.copy()
    theta *= 1 - lr * weight_decay
    return _adam_torch_form(theta, grads, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


ADAMW_STEP = Exercise(
    id="adamw_step",
    title="AdamW: decoupled weight decay (torch's convention)",
    reference=adamw_step,
    cases=_adamw_cases,
    mistakes=(
        Mistake("decay applied after the Adam step, to the new parameters",
                "torch.optim.AdamW shrinks the parameters the step starts from: θ(1 − lr·λ) − "
                "lr·m̂/(√v̂ + ε). Shrinking the already updated θ also shrinks the Adam step, by "
                "the factor 1 − lr·λ.",
                _adamw_decay_after_with_new_params),
        Mistake("decay not multiplied by the learning rate",
                "The decoupled decay is scaled by the learning rate, θ ← θ(1 − lr·λ), as in "
                "torch.optim.AdamW; θ(1 − λ) shrinks the weights by λ = 1% per step at the default.",
                _adamw_decay_without_lr),
        Mistake("L2 penalty in the gradient",
                "Adding λθ to the gradient is Adam with an L2 penalty: the decay then passes "
                "through m̂/√v̂ and is rescaled per coordinate. AdamW keeps it out of the moments "
                "and shrinks every weight by the same factor 1 − lr·λ.",
                _adamw_l2_in_gradient),
        Mistake("decay put into the first moment",
                "The decay must not enter the moments at all (neither m nor v): compute m and v "
                "from the gradient alone and shrink θ by the factor 1 − lr·λ.",
                _adamw_decay_in_first_moment),
    ),
    alternatives=(_adamw_decay_after_with_old_params, _adamw_torch_order),
    points=2,
    hints=(
        "AdamW is the Adam step you wrote plus one more operation on the parameters, which never "
        "touches the gradient or the moments.",
        "Shrink the parameters the step starts from by a factor that involves the learning rate "
        "and the weight decay, then do the Adam update from the gradient alone.",
        "θ' = θ·(1 − lr·λ); then the Adam update: t = state.step + 1, m and v from g, "
        "θ ← θ' − lr·m̂/(√v̂ + ε); return (θ, AdamState(step=t, m=m, v=v)).",
    ),
    rtol=1e-9,
    atol=1e-12,
)


EXERCISES = [MOMENTUM_STEP, RMSPROP_STEP, ADAM_STEP, ADAMW_STEP]

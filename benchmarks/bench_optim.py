"""Time one Adam step on a million parameters: the pure function and the Optimizer wrapper.

Run with ``python benchmarks/bench_optim.py``. Prints the median time per step over a few
repeats and the ratio wrapper / function, i.e. the overhead of the torch-like object.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from mlcourse_lib.optim import Adam, adam_init, adam_step

N_PARAMS = 1_000_000
REPEATS = 7
STEPS_PER_REPEAT = 5


def median_seconds_per_step(run_steps) -> float:
    """Median over REPEATS of (time of STEPS_PER_REPEAT steps) / STEPS_PER_REPEAT."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run_steps(STEPS_PER_REPEAT)
        times.append((time.perf_counter() - start) / STEPS_PER_REPEAT)
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(0)
    params = rng.normal(size=N_PARAMS)
    grads = rng.normal(size=N_PARAMS)

    state = {"params": params, "adam": adam_init(params)}

    def function_steps(n):
        for _ in range(n):
            state["params"], state["adam"] = adam_step(state["params"], grads, state["adam"], lr=1e-3)

    optimizer = Adam(params, lr=1e-3)

    def wrapper_steps(n):
        for _ in range(n):
            optimizer.step(grads)

    function_steps(1)   # warm-up
    wrapper_steps(1)
    t_function = median_seconds_per_step(function_steps)
    t_wrapper = median_seconds_per_step(wrapper_steps)
    print(f"adam_step on {N_PARAMS:,} parameters: {t_function * 1e3:8.2f} ms per step (median of {REPEATS})")
    print(f"Adam optimizer .step():            {t_wrapper * 1e3:8.2f} ms per step (median of {REPEATS})")
    print(f"wrapper / function:                {t_wrapper / t_function:8.3f}")


if __name__ == "__main__":
    main()

"""The kernel that runs students' notebooks at grading time: an IPython kernel with limits.

``mlcourse grade`` registers it as the kernel spec ``mlcourse-grader`` (in a temporary
folder, for the duration of the run) and tells nbgrader to execute every submission with
it. Before the kernel starts, this launcher

- caps the address space (``RLIMIT_AS``), so a runaway allocation raises ``MemoryError``
  in the student's cell instead of exhausting the machine;
- caps the size of any file the notebook writes (``RLIMIT_FSIZE``; writing past it raises
  ``OSError``);
- pins numerical libraries to one thread, so concurrent kernels share the cores fairly.

Endless loops are stopped by nbgrader's per-cell timeout (``Execute.timeout``). These are
resource limits, not isolation: the kernel still runs as the grading user.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

KERNEL_NAME = "mlcourse-grader"
MEMORY_ENV = "MLCOURSE_GRADER_MEMORY_MB"
FILE_SIZE_ENV = "MLCOURSE_GRADER_FILE_MB"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def write_kernel_spec(folder: Path, *, memory_mb: int, file_mb: int) -> Path:
    """Write ``kernels/mlcourse-grader/kernel.json`` below ``folder`` (a Jupyter data dir)."""
    spec_dir = Path(folder) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "mlcourse_lib.grading_kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (mlcourse grader)",
        "language": "python",
        "env": {MEMORY_ENV: str(memory_mb), FILE_SIZE_ENV: str(file_mb),
                **{name: "1" for name in THREAD_VARIABLES}},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir


def apply_limits() -> None:
    """Set the resource limits named by the environment (no-op where unsupported)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return
    memory_mb = int(os.environ.get(MEMORY_ENV, "0"))
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    file_mb = int(os.environ.get(FILE_SIZE_ENV, "0"))
    if file_mb > 0:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails instead of killing
        limit = file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def main() -> None:
    apply_limits()
    from ipykernel import kernelapp

    # Only errors: the kernel's start-up notices would repeat once per submission.
    kernelapp.launch_new_instance(argv=[*sys.argv[1:], "--IPKernelApp.log_level=ERROR"])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Float32 GEMM throughput of NumPy (its bundled OpenBLAS) on the same shapes, timed the same way
as dev.jgrad.cpu.GemmBenchmark: two warm-up calls and 0.5 s more of warm-up, then calls timed one
by one for SECONDS (at least MIN_CALLS); the best and the median call are reported. On a shared
machine the best single call is the one that ran undisturbed.

Output: one line per shape, "name m n k transA transB best median" (GFLOP/s).
"""
import time

import numpy as np

SECONDS = 1.5
MIN_CALLS = 10
MAX_CALLS = 100_000

# name, m, n, k, transA, transB: the same list as GemmBenchmark.SHAPES.
SHAPES = [
    ("mlp_forward", 100, 100, 784, False, False),
    ("mlp_dW_transA", 784, 100, 100, True, False),
    ("mlp_dX_transB", 100, 784, 100, False, True),
    ("square_1024", 1024, 1024, 1024, False, False),
]


def time_call(call):
    """Best and median seconds per call."""
    call()
    call()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.5:
        call()
    t = []
    end = time.perf_counter() + SECONDS
    while len(t) < MAX_CALLS and (len(t) < MIN_CALLS or time.perf_counter() < end):
        start = time.perf_counter()
        call()
        t.append(time.perf_counter() - start)
    t.sort()
    return t[0], t[len(t) // 2]


def main():
    rng = np.random.default_rng(0)
    for name, m, n, k, ta, tb in SHAPES:
        # Stored layouts as in the Java benchmark: a is [k, m] when transposed, b is [n, k].
        a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        out = np.empty((m, n), dtype=np.float32)
        op_a = a.T if ta else a
        op_b = b.T if tb else b
        best, median = time_call(lambda: np.matmul(op_a, op_b, out=out))
        flops = 2.0 * m * n * k
        print(f"{name} {m} {n} {k} {str(ta).lower()} {str(tb).lower()} "
              f"{flops / best / 1e9:.2f} {flops / median / 1e9:.2f}")


if __name__ == "__main__":
    main()

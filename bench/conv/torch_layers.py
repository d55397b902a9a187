"""PyTorch eager's side of bench/conv/run.sh: the same layers, ops and output lines as
ConvLayers.java (batch 100, float32, the median of REPS calls after a warm-up pass over all
layers), with PyTorch's threads set to the machine's cores as jgrad's are.

    python torch_layers.py [REPS]

The input gradient and the weight gradient are each one aten.convolution_backward call asking
for that gradient alone (the bias gradient is a separate sum in jgrad, so not counted here).
"""
import os
import sys
import time

import torch

LAYERS = [(1, 16, 28, 3, 1), (16, 16, 28, 3, 1), (16, 32, 14, 3, 1), (32, 32, 14, 3, 2),
          (32, 64, 8, 3, 1), (64, 64, 8, 3, 1), (1, 30, 28, 5, 0)]  # c, f, h, k, p
OPS = ["forward", "input grad", "weight grad"]


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    torch.set_num_threads(os.cpu_count())
    n = 100
    gen = torch.Generator().manual_seed(1)
    for rnd in range(2):
        for c, f, h, k, p in LAYERS:
            oh = h + 2 * p - k + 1
            x = torch.randn(n, c, h, h, generator=gen)
            w = torch.randn(f, c, k, k, generator=gen)
            g = torch.randn(n, f, oh, oh, generator=gen)
            calls = [
                lambda: torch.nn.functional.conv2d(x, w, None, padding=p),
                lambda: torch.ops.aten.convolution_backward(
                    g, x, w, None, [1, 1], [p, p], [1, 1], False, [0, 0], 1,
                    [True, False, False]),
                lambda: torch.ops.aten.convolution_backward(
                    g, x, w, None, [1, 1], [p, p], [1, 1], False, [0, 0], 1,
                    [False, True, False]),
            ]
            us = [[], [], []]
            for _ in range(reps):
                for op, call in enumerate(calls):
                    t0 = time.perf_counter()
                    call()
                    us[op].append((time.perf_counter() - t0) * 1e6)
            if rnd == 0:
                continue
            flops = 2.0 * n * f * c * k * k * oh * oh
            for op in range(3):
                median = sorted(us[op])[reps // 2]
                print(f"LAYER {c}x{h}x{h}->{f} k{k} p{p} | {OPS[op]} | {median:.0f} us | "
                      f"{flops / median / 1e3:.1f} GFLOP/s")


if __name__ == "__main__":
    main()

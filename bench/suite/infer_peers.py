"""The peers of bench/suite/InferWorkload.java: the suite's models (peers.py's NumPy book layers;
PyTorch eager's nn.Sequential as peers.py builds it) predicting the test set, forward only, no
graph, random weights of the training workloads' shapes. The same protocol and output lines as
InferWorkload (see there): FIRST_CALL_US, LAT_EARLY_US, LAT_US median p99, BATCH_SPS of 100 and
of 1000.

    python3 infer_peers.py numpy|torch1|torch2 WORKLOAD DATA WARMUP CALLS PASSES

torch1/torch2: torch.set_num_threads(1 or 2); each call inside torch.inference_mode(), entered
per call as a service does per request.
"""
import statistics
import sys
import time

import numpy as np

from common import load_test
from peers import NumpyNet, torch_mlp


def numpy_model(workload):
    net = NumpyNet(workload, np.random.default_rng(0))

    def predict(x):
        if net.image_shape:
            x = x.reshape(net.image_shape)
        for layer in net.layers:
            x = layer.forward(x)
        return x.argmax(axis=1)
    return predict, f"numpy {np.__version__} (book layers)"


def torch_model(workload, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    nn = torch.nn
    if workload == "cnn":
        model = nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 30, 5), nn.ReLU(),
                              nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(30 * 12 * 12, 100),
                              nn.ReLU(), nn.Linear(100, 10))
    else:
        model = torch_mlp(nn, workload)
    model.eval()

    def predict(x):
        with torch.inference_mode():
            return model(torch.from_numpy(x)).argmax(1).numpy()
    return predict, f"pytorch {torch.__version__} eager, {threads} thread(s), inference_mode"


def main():
    program, workload, data = sys.argv[1], sys.argv[2], sys.argv[3]
    warmup, calls, passes = (int(v) for v in sys.argv[4:7])
    x = load_test(data)
    n = len(x)
    if program == "numpy":
        predict, name = numpy_model(workload)
    else:
        predict, name = torch_model(workload, int(program[len("torch"):]))
    sink = 0

    start = time.perf_counter_ns()
    sink += int(predict(x[0:1])[0])
    print("FIRST_CALL_US", (time.perf_counter_ns() - start) / 1e3)

    early, i, warm = [], 0, time.perf_counter_ns()
    while i < warmup or time.perf_counter_ns() - warm < 3e9:  # warm-up as InferWorkload
        t = time.perf_counter_ns()
        sink += int(predict(x[i % n:i % n + 1])[0])
        if i < warmup:
            early.append((time.perf_counter_ns() - t) / 1e3)
        i += 1
    print(f"LAT_EARLY_US {statistics.median(early):.1f}")
    us = []
    for i in range(calls):
        j = (warmup + i) % n
        t = time.perf_counter_ns()
        sink += int(predict(x[j:j + 1])[0])
        us.append((time.perf_counter_ns() - t) / 1e3)
    us.sort()
    print(f"LAT_US {us[calls // 2]:.1f} {us[-(-99 * calls // 100) - 1]:.1f}")

    per_batch = []
    for batch in (100, 1000):
        sps = []
        warm, w = time.perf_counter_ns(), 0
        while w < 2 or time.perf_counter_ns() - warm < 1e9:  # warm-up as InferWorkload
            for start in range(0, n - batch + 1, batch):
                sink += int(predict(x[start:start + batch])[0])
            w += 1
        sweeps = -(-10000 // n)  # a pass: the test set until 10,000 samples, as InferWorkload
        for _ in range(passes):
            t = time.perf_counter_ns()
            for _ in range(sweeps):
                for start in range(0, n - batch + 1, batch):
                    sink += int(predict(x[start:start + batch])[0])
            sps.append(sweeps * (n // batch * batch) / ((time.perf_counter_ns() - t) / 1e9))
        per_batch.append(f"{statistics.median(sps):.1f}")
    print("BATCH_SPS", " ".join(per_batch))  # batches of 100, then of 1000
    print("SINK", sink)
    print("NAME", name)


if __name__ == "__main__":
    main()

"""Shared by the peer benchmarks: the same data, shuffling, batch and learning rate as jgrad's."""
import gzip
import os
import struct
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "examples", "mnist", "src", "main", "resources", "mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, path
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_train():
    """The embedded 8,000-image training split: images as float32 in [0, 1], labels as int."""
    x = read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz")).reshape(-1, 784)
    y = read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz"))
    return x.astype(np.float32) / 255.0, y.astype(np.int64)


def batches(n, batch, rng):
    """Shuffle every epoch, then partition into mini-batches (the last short batch dropped)."""
    perm = rng.permutation(n)
    for start in range(0, n - batch + 1, batch):
        yield perm[start:start + batch]


def report(name, epochs_seconds, samples_per_epoch):
    # The first epoch warms up; report the best of the rest, and the median.
    rates = sorted(samples_per_epoch / s for s in epochs_seconds[1:])
    print(f"{name}: best {rates[-1]:,.0f} samples/s, median {rates[len(rates) // 2]:,.0f} "
          f"samples/s over {len(rates)} timed epochs")

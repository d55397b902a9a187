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


def report(name, epochs_seconds, samples_per_epoch, warmup):
    """Best and median samples/s over the epochs after `warmup`, and over the whole run."""
    rates = sorted(samples_per_epoch / s for s in epochs_seconds[warmup:])
    whole = samples_per_epoch * len(epochs_seconds) / sum(epochs_seconds)
    print(f"{name}: best {rates[-1]:,.0f} samples/s, median {rates[len(rates) // 2]:,.0f} "
          f"samples/s over epochs {warmup + 1}-{len(epochs_seconds)}; whole run {whole:,.0f} "
          f"samples/s")


def epochs_and_warmup(argv):
    """[EPOCHS] [WARMUP] from the command line: all epochs run, the first WARMUP are not ranked."""
    epochs = int(argv[1]) if len(argv) > 1 else 40
    warmup = int(argv[2]) if len(argv) > 2 else 20
    assert 0 <= warmup < epochs, "need WARMUP < EPOCHS"
    return epochs, warmup

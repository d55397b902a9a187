"""Data for the peers in peers.py: the same images, shuffling and batches as jgrad's side."""
import gzip
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EMBEDDED = os.path.join(HERE, "..", "..", "examples", "mnist", "src", "main", "resources", "mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, path
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_train(data):
    """The training split of `data` ("embedded" or an IDX folder): float32 pixels in [0, 1]."""
    folder = EMBEDDED if data == "embedded" else data
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz")).reshape(-1, 784)
    t = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))
    return x.astype(np.float32) / 255.0, t.astype(np.int64)


def batches(n, batch, rng):
    """Shuffle every epoch, then partition into mini-batches (the last short batch dropped)."""
    perm = rng.permutation(n)
    for start in range(0, n - batch + 1, batch):
        yield perm[start:start + batch]


def load_test(data):
    """The test split of `data` ("embedded" or an IDX folder): float32 pixels in [0, 1]."""
    folder = EMBEDDED if data == "embedded" else data
    x = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784)
    return x.astype(np.float32) / 255.0

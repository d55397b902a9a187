"""Peer benchmark: the book's SimpleConvNet in PyTorch eager on the CPU, trained with Adam.

    /tmp/torchenv/bin/python bench/conv/torch_convnet.py [EPOCHS] [WARMUP]

Conv 30 5x5, ReLU, 2x2 max pool, affine 100, ReLU, affine 10; batch 100, Adam lr 0.001, the
embedded 8,000-image training split (bench/train/common.py), two threads.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from common import batches, epochs_and_warmup, load_train, report  # noqa: E402

BATCH = 100


def main():
    epochs, warmup = epochs_and_warmup(sys.argv)
    torch.set_num_threads(2)
    x_np, t_np = load_train()
    x = torch.from_numpy(x_np).reshape(-1, 1, 28, 28)
    t = torch.from_numpy(t_np)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 30, 5), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2, 2), torch.nn.Flatten(),
                                torch.nn.Linear(30 * 12 * 12, 100), torch.nn.ReLU(),
                                torch.nn.Linear(100, 10))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    rng = np.random.default_rng(0)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for idx in batches(len(x), BATCH, rng):
            i = torch.from_numpy(idx)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[i]), t[i])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    report(f"pytorch {torch.__version__} eager", seconds, (len(x) // BATCH) * BATCH, warmup)


if __name__ == "__main__":
    main()

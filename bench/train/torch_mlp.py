"""Peer benchmark: the 784-100-10 MLP in PyTorch eager on the CPU, trained with SGD.

    /tmp/torchenv/bin/python bench/train/torch_mlp.py [EPOCHS] [WARMUP]
(PyTorch for CPU installs from local wheels: see ../shared/README.md.)
"""
import sys
import time

import numpy as np
import torch

from common import batches, epochs_and_warmup, load_train, report

LR = 0.1
BATCH = 100


def main():
    epochs, warmup = epochs_and_warmup(sys.argv)
    torch.set_num_threads(2)
    x_np, t_np = load_train()
    x = torch.from_numpy(x_np)
    t = torch.from_numpy(t_np)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(),
                                torch.nn.Linear(100, 10))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
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

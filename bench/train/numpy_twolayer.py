"""Peer benchmark: the 784-100-10 MLP in NumPy, in the style of the book's TwoLayerNet
(Affine -> Relu -> Affine -> SoftmaxWithLoss layers, backward by hand), trained with SGD.

    python3 bench/train/numpy_twolayer.py [EPOCHS] [WARMUP]
"""
import sys
import time

import numpy as np

from common import batches, epochs_and_warmup, load_train, report

LR = 0.1
BATCH = 100


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


class TwoLayerNet:
    def __init__(self, rng):
        self.W1 = (0.01 * rng.standard_normal((784, 100))).astype(np.float32)
        self.b1 = np.zeros(100, np.float32)
        self.W2 = (0.01 * rng.standard_normal((100, 10))).astype(np.float32)
        self.b2 = np.zeros(10, np.float32)

    def step(self, x, t):
        # forward: Affine1, Relu, Affine2, SoftmaxWithLoss
        a1 = x @ self.W1 + self.b1
        mask = a1 <= 0
        z1 = a1.copy()
        z1[mask] = 0
        a2 = z1 @ self.W2 + self.b2
        y = softmax(a2)
        n = x.shape[0]
        loss = -np.log(y[np.arange(n), t] + 1e-7).sum() / n
        # backward
        dy = y.copy()
        dy[np.arange(n), t] -= 1
        dy /= n
        dW2 = z1.T @ dy
        db2 = dy.sum(axis=0)
        dz1 = dy @ self.W2.T
        dz1[mask] = 0
        dW1 = x.T @ dz1
        db1 = dz1.sum(axis=0)
        # SGD
        self.W1 -= LR * dW1
        self.b1 -= LR * db1
        self.W2 -= LR * dW2
        self.b2 -= LR * db2
        return loss


def main():
    epochs, warmup = epochs_and_warmup(sys.argv)
    x, t = load_train()
    rng = np.random.default_rng(0)
    net = TwoLayerNet(rng)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for idx in batches(len(x), BATCH, rng):
            net.step(x[idx], t[idx])
        seconds.append(time.perf_counter() - start)
    report("numpy TwoLayerNet", seconds, (len(x) // BATCH) * BATCH, warmup)


if __name__ == "__main__":
    main()

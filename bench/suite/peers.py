"""The peers of bench/suite/JgradWorkload.java: the same workloads in NumPy (the book's layer
style: Affine, Relu, SoftmaxWithLoss, im2col Convolution and Pooling, backward by hand) and in
PyTorch eager, with the same data, batch 100, shuffling and learning rates. Prints each epoch's
seconds for suite.py (load and set-up excluded).

    python3 peers.py numpy|torch WORKLOAD DATA EPOCHS

WORKLOAD: mlp-small (784-100-10, SGD 0.1), mlp-large (784-1000-1000-10, SGD 0.1), cnn (the
book's SimpleConvNet: conv 30 5x5, ReLU, 2x2 max pool, affine 100, ReLU, affine 10; Adam 0.001).
DATA: embedded or a directory of MNIST-format IDX files (train-images-idx3-ubyte.gz, ...).
"""
import os
import sys
import time

import numpy as np

from common import batches, load_train

BATCH = 100


# ---- NumPy, the book's layers ---------------------------------------------------------------

class Affine:
    def __init__(self, rng, n_in, n_out, std):
        self.W = (std * rng.standard_normal((n_in, n_out))).astype(np.float32)
        self.b = np.zeros(n_out, np.float32)

    def forward(self, x):
        self.shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self.shape)

    def params(self):
        return [("W", "dW"), ("b", "db")]


class Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout

    def params(self):
        return []


def im2col(x, fh, fw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    col = np.zeros((n, c, fh, fw, oh, ow), x.dtype)
    for y in range(fh):
        for xx in range(fw):
            col[:, :, y, xx, :, :] = img[:, :, y:y + stride * oh:stride, xx:xx + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col, shape, fh, fw, stride=1, pad=0):
    n, c, h, w = shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1), col.dtype)
    for y in range(fh):
        for xx in range(fw):
            img[:, :, y:y + stride * oh:stride, xx:xx + stride * ow:stride] += col[:, :, y, xx]
    return img[:, :, pad:h + pad, pad:w + pad]


class Convolution:
    def __init__(self, rng, c, f, k, std):
        self.W = (std * rng.standard_normal((f, c, k, k))).astype(np.float32)
        self.b = np.zeros(f, np.float32)

    def forward(self, x):
        f, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = h - fh + 1, w - fw + 1
        self.x, self.col, self.col_w = x, im2col(x, fh, fw), self.W.reshape(f, -1).T
        out = self.col @ self.col_w + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        f, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, f)
        self.db = dout.sum(axis=0)
        self.dW = (self.col.T @ dout).transpose(1, 0).reshape(f, c, fh, fw)
        return col2im(dout @ self.col_w.T, self.x.shape, fh, fw)

    def params(self):
        return [("W", "dW"), ("b", "db")]


class Pooling:
    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = h // 2, w // 2
        col = im2col(x, 2, 2, 2).reshape(-1, 4)
        self.x, self.arg_max = x, np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, 4), dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()
        return col2im(dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1),
                      self.x.shape, 2, 2, 2)

    def params(self):
        return []


class NumpyNet:
    def __init__(self, workload, rng):
        if workload == "cnn":
            self.layers = [Convolution(rng, 1, 30, 5, 0.01), Relu(), Pooling(),
                           Affine(rng, 30 * 12 * 12, 100, 0.01), Relu(), Affine(rng, 100, 10, 0.01)]
            self.image_shape = (-1, 1, 28, 28)
        else:
            sizes = [784, 100, 10] if workload == "mlp-small" else [784, 1000, 1000, 10]
            self.layers = []
            for i in range(len(sizes) - 1):
                self.layers.append(Affine(rng, sizes[i], sizes[i + 1], 0.01))
                if i < len(sizes) - 2:
                    self.layers.append(Relu())
            self.image_shape = None
        self.adam = workload == "cnn"
        self.m, self.v, self.iter = {}, {}, 0

    def step(self, x, t):
        if self.image_shape:
            x = x.reshape(self.image_shape)
        for layer in self.layers:
            x = layer.forward(x)
        x = x - x.max(axis=1, keepdims=True)
        y = np.exp(x)
        y /= y.sum(axis=1, keepdims=True)
        n = len(t)
        dout = y
        dout[np.arange(n), t] -= 1
        dout /= n
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        self.iter += 1
        for i, layer in enumerate(self.layers):
            for p, g in layer.params():
                self.update((i, p), getattr(layer, p), getattr(layer, g))

    def update(self, key, param, grad):
        if not self.adam:
            param -= 0.1 * grad
            return
        lr, b1, b2 = 0.001, 0.9, 0.999  # the book's Adam
        lr_t = lr * np.sqrt(1.0 - b2 ** self.iter) / (1.0 - b1 ** self.iter)
        m = self.m.setdefault(key, np.zeros_like(param))
        v = self.v.setdefault(key, np.zeros_like(param))
        m += (1 - b1) * (grad - m)
        v += (1 - b2) * (grad ** 2 - v)
        param -= lr_t * m / (np.sqrt(v) + 1e-7)


def run_numpy(workload, x, t, epochs):
    rng = np.random.default_rng(0)
    net = NumpyNet(workload, rng)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for idx in batches(len(x), BATCH, rng):
            net.step(x[idx], t[idx])
        seconds.append(time.perf_counter() - start)
    return seconds, f"numpy {np.__version__} (book layers)"


# ---- PyTorch eager --------------------------------------------------------------------------

def torch_mlp(nn, workload):
    """mlp-small's or mlp-large's nn.Sequential: Linear layers with ReLU between them."""
    sizes = [784, 100, 10] if workload == "mlp-small" else [784, 1000, 1000, 10]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def run_torch(workload, x_np, t_np, epochs):
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    nn = torch.nn
    if workload == "cnn":
        model = nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                              nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))
        x = torch.from_numpy(x_np).reshape(-1, 1, 28, 28)
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
    elif workload == "deep":
        # the book's DeepConvNet as examples/mnist builds it: 3x3 convolutions padded by 1, the
        # fourth by 2 (as the book's code), so 64 maps of 4x4 reach the affine layers
        layers, c = [], 1
        for f, pad in ((16, 1), (32, 2), (64, 1)):
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.ReLU(), nn.Conv2d(f, f, 3, padding=pad),
                       nn.ReLU(), nn.MaxPool2d(2, 2)]
            c = f
        layers += [nn.Flatten(), nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5),
                   nn.Linear(50, 10), nn.Dropout(0.5)]
        model = nn.Sequential(*layers)
        x = torch.from_numpy(x_np).reshape(-1, 1, 28, 28)
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
    else:
        model = torch_mlp(nn, workload)
        x = torch.from_numpy(x_np)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
    t = torch.from_numpy(t_np)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for idx in batches(len(x), BATCH, rng):
            i = torch.from_numpy(idx)
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[i]), t[i]).backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    return seconds, f"pytorch {torch.__version__} eager"


def main():
    program, workload, data, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    x, t = load_train(data)
    run = run_numpy if program == "numpy" else run_torch
    seconds, name = run(workload, x, t, epochs)
    print("SAMPLES_PER_EPOCH", (len(x) // BATCH) * BATCH)
    print("EPOCH_SECONDS", ",".join(f"{s:.6f}" for s in seconds))
    print("NAME", name)


if __name__ == "__main__":
    main()

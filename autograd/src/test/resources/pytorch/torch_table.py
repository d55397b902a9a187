# Shared by the one-off scripts beside it: one line of a table as TorchTable.java reads it,
# the dtype's name, then each value as a hex float (exact), NaN or +-Infinity.
import math

import torch


def fmt(v):
    return 'NaN' if math.isnan(v) else ('Infinity' if v == math.inf else
                                         ('-Infinity' if v == -math.inf else float.hex(v)))


def row(name, values):
    print(name, ' '.join(fmt(v) for v in values))


def two_unary(xs, f, g):
    """Per dtype, a row x, f(x), g(x), f'(x), g'(x) for each x, from PyTorch's autograd."""
    unary(xs, f, g)


DTYPES = ((torch.float32, 'FLOAT32'), (torch.float64, 'FLOAT64'))


def unary(xs, *fs, dtypes=DTYPES):
    """Per dtype, a row x, each f(x), then each f'(x) for each x, from PyTorch's autograd."""
    for dtype, name in dtypes:
        values, grads = [], []
        for f in fs:
            x = torch.tensor(xs, dtype=dtype, requires_grad=True)
            fx = f(x)
            fx.backward(torch.ones_like(fx))
            values.append(fx.detach())
            grads.append(x.grad.clone())
        for i in range(len(xs)):
            row(name, [x[i].item()] + [v[i].item() for v in values] + [d[i].item() for d in grads])

# One-off: writes cumsum.txt, PyTorch 2.13's (CPU) cumsum of a long vector and the gradient of
# sum(w * cumsum(x)), which CumsumTest reads (the build never runs Python).
#   /tmp/torchenv/bin/python cumsum.py > cumsum.txt
import random
import torch
from torch_table import row

rnd = random.Random(20261210)
n = 1000
# mostly small values, a few large ones, so FLOAT32 sums lose bits as they grow
xs = [rnd.uniform(-1, 1) * (1e4 if i % 97 == 0 else 1) for i in range(n)]
ws = [rnd.uniform(0.5, 1.5) for _ in range(n)]

print('# dtype x w cumsum(x) d(sum(w cumsum(x)))/dx, from PyTorch ' + torch.__version__
      + ' on the CPU (cumsum.py)')
for dtype, name in ((torch.float32, 'FLOAT32'), (torch.float64, 'FLOAT64')):
    x = torch.tensor(xs, dtype=dtype, requires_grad=True)
    w = torch.tensor(ws, dtype=dtype)
    c = torch.cumsum(x, 0)
    (w * c).sum().backward()
    for i in range(n):
        row(name, [x[i].item(), w[i].item(), c[i].item(), x.grad[i].item()])

# One-off: writes sin_cos.txt, PyTorch 2.13's (CPU) sin, cos and their gradients, which
# SinCosTest reads (the build never runs Python). /tmp/torchenv/bin/python sin_cos.py > sin_cos.txt
import math
import random
import torch
from torch_table import two_unary

rnd = random.Random(20261208)
xs = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-30, -1e-30, 5e-324, 1e-8, 0.5, 1.0, -1.0,
      math.pi / 2, math.pi, -math.pi, 2 * math.pi, 3 * math.pi / 2, 100 * math.pi, 1e4, -1e4,
      9999.5, 1e4 * math.pi / 3141.5, 710.0, 1e3, 355.0, 103993.0 / 33102 * 1000, 1e22, 1e300]
xs += [rnd.uniform(-10, 10) for _ in range(120)]
xs += [rnd.uniform(-1e4, 1e4) for _ in range(120)]
xs += [k * math.pi / 4 + rnd.uniform(-1e-6, 1e-6) for k in range(-40, 40, 3)]

print('# dtype x sin(x) cos(x) d(sin)/dx d(cos)/dx, from PyTorch ' + torch.__version__
      + ' on the CPU (sin_cos.py)')
two_unary(xs, torch.sin, torch.cos)

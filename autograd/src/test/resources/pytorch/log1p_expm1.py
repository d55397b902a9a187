# One-off: writes log1p_expm1.txt, PyTorch 2.13's (CPU) log1p, expm1 and their gradients, which
# Log1pExpm1Test reads (the build never runs Python).
#   /tmp/torchenv/bin/python log1p_expm1.py > log1p_expm1.txt
import math
import random
import torch
from torch_table import two_unary

rnd = random.Random(20261209)
xs = [0.0, -0.0, math.inf, -math.inf, math.nan, -1.0, -2.0, -1.5, -0.999999, 1e-30, -1e-30,
      5e-324, 1e-45, 1e-8, -1e-8, 1e-5, -1e-5, 3e-4, 0.5, -0.5, 1.0, 2.0, 10.0, 50.0, 88.0, 89.0,
      -100.0, 700.0, 709.0, 710.0, 1e10, 1e300]
xs += [rnd.uniform(-1, 10) for _ in range(100)]
xs += [rnd.uniform(-60, 60) for _ in range(60)]
xs += [s * 10.0 ** rnd.uniform(-20, -1) for s in (1, -1) for _ in range(50)]

print('# dtype x log1p(x) expm1(x) d(log1p)/dx d(expm1)/dx, from PyTorch ' + torch.__version__
      + ' on the CPU (log1p_expm1.py)')
two_unary(xs, torch.log1p, torch.expm1)

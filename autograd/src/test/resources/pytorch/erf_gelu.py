# One-off: writes erf_gelu.txt, PyTorch 2.13's (CPU) erf, exact GELU, tanh GELU and their
# gradients, which ErfGeluTest reads (the build never runs Python).
#   /tmp/torchenv/bin/python erf_gelu.py > erf_gelu.txt
import math
import random
import torch
import torch.nn.functional as F
from torch_table import unary

rnd = random.Random(20261208)
xs = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324, 1e-45, 1e-310, 1e-300, 1e-30,
      -1e-30, 3.7e-9, -3.7e-9, 1e-8, 0.5, -0.5, 0.84375, -0.84375, 1.0, -1.0, 1.25, -1.25,
      2.857142857142857, 3.0, -3.0, 5.9, 5.99, 6.0, -6.0, 6.1, 10.0, -10.0, 27.0, 1e10, -1e300]
xs += [rnd.uniform(-6, 6) for _ in range(160)]
xs += [s * 10.0 ** rnd.uniform(-20, -1) for s in (1, -1) for _ in range(40)]

fs = (torch.erf, F.gelu, lambda x: F.gelu(x, approximate='tanh'))
print('# dtype x erf(x) gelu(x) gelu_tanh(x) d(erf)/dx d(gelu)/dx d(gelu_tanh)/dx, from PyTorch '
      + torch.__version__ + ' on the CPU (erf_gelu.py)')
unary(xs, *fs)
# PyTorch's FLOAT32 GELU is off by up to ~1e-6 where 1 + erf cancels (below x = -1: its
# vectorized float erf is less exact there than fdlibm's in double); these rows give the FLOAT32
# inputs' answers computed in FLOAT64, which jgrad's FLOAT32 is held to as well
xs32 = torch.tensor(xs, dtype=torch.float32).double().tolist()
unary(xs32, *fs, dtypes=((torch.float64, 'FLOAT32_IN_FLOAT64'),))

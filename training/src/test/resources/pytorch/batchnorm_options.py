# Prints the torch 2.13 float64 numbers BatchNormOptionsTest checks: BatchNorm2d(eps=1e-3,
# momentum=0.01) trained two steps then evaluated, BatchNorm1d on [N, C, L], and
# affine=False / track_running_stats=False, for the inputs grid() builds. Run: python batchnorm_options.py
import torch
import torch.nn as nn
torch.set_default_dtype(torch.float64)

def grid(shape, a, m=13):
    n = 1
    for d in shape: n *= d
    return torch.tensor([(((i * a) % m) - m // 2) / 3.0 for i in range(n)]).reshape(shape)

def show(name, t):
    print(name, [repr(v) for v in t.detach().flatten().tolist()])

def run(name, bn, shape):
    bn.train()
    for step in range(2):
        show(name + "_train" + str(step), bn(grid(shape, 5 + step)))
    bn.eval()
    show(name + "_eval", bn(grid(shape, 7)))
    print(name + "_keys", ["'" + k + "'" for k in bn.state_dict().keys()] or ["'-'"])
    if bn.track_running_stats:
        show(name + "_running_mean", bn.running_mean)
        show(name + "_running_var", bn.running_var)

with torch.no_grad():
    bn = nn.BatchNorm2d(3, eps=1e-3, momentum=0.01)
    bn.weight.copy_(torch.tensor([0.5, -1.0, 2.0])); bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
    run("bn2d_eps", bn, (2, 3, 2, 2))
    run("bn1d_ncl", nn.BatchNorm1d(3), (2, 3, 4))
    run("bn2d_plain", nn.BatchNorm2d(3, affine=False, track_running_stats=False), (2, 3, 2, 2))
    run("bn1d_noaffine", nn.BatchNorm1d(3, affine=False, momentum=0.3), (4, 3))

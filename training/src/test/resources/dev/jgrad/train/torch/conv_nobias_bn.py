# Writes conv_nobias_bn.safetensors for ConvWithoutBiasTest with torch 2.13: the state_dict of
# ResNet's conv + BN pattern, Conv2d(3, 4, 3, padding=1, bias=False) then BatchNorm2d(4, eps=1e-3),
# with running statistics set; and conv_nobias_bn_io.safetensors, an input and the evaluation
# output.
# Run: python conv_nobias_bn.py
import torch
import torch.nn as nn
from safetensors.torch import save_file
torch.manual_seed(0)
m = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4, eps=1e-3))
with torch.no_grad():
    m[1].running_var.copy_(torch.tensor([1e-3, 1e-2, 0.1, 1.0]))
    m[1].running_mean.uniform_(-1, 1)
    m[1].weight.uniform_(0.5, 1.5)
    m[1].bias.uniform_(-0.5, 0.5)
m.eval()
x = torch.randn(2, 3, 5, 5)
with torch.no_grad():
    y = m(x)
save_file(m.state_dict(), "conv_nobias_bn.safetensors")
save_file({"x": x, "y": y}, "conv_nobias_bn_io.safetensors")
print(sorted(m.state_dict().keys()))

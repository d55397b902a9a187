"""Writes the PyTorch fixtures of TorchStateDictTest (maintainers only; CI has no Python).

The files beside this script are its output, committed: run it again only to change them, with
torch and safetensors installed (written with torch 2.13.0+cpu, safetensors 0.8.0):

    python training/src/test/resources/dev/jgrad/train/torch/make_fixtures.py

mlp.safetensors and cnn.safetensors are model.state_dict() as save_file writes it (F32 tensors,
num_batches_tracked an I64 scalar); expected.safetensors holds a fixed input for each model and
its output in eval mode. The architectures are built again in TorchStateDictTest: change both
together.
"""
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def mlp():
    return nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))


def cnn():
    # images of 6x6 as flat rows: conv 3x3 -> 4x4, pool -> 2x2, 2 channels -> 8 features
    return nn.Sequential(nn.Unflatten(1, (1, 6, 6)), nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25),
                         nn.Linear(8, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 3))


def trained(model, features):
    """Random BatchNorm scales and shifts, and running statistics from 3 training batches."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
        model.train()
        for _ in range(3):
            model(torch.randn(8, features) * 2 + 0.5)
    return model.eval()


def main():
    torch.manual_seed(20240611)
    expected = {}
    for name, model, features in (("mlp", mlp(), 4), ("cnn", cnn(), 36)):
        model = trained(model, features)
        save_file(model.state_dict(), os.path.join(HERE, name + ".safetensors"))
        x = torch.randn(5, features)
        with torch.no_grad():
            expected[name + ".input"] = x
            expected[name + ".output"] = model(x)
    save_file(expected, os.path.join(HERE, "expected.safetensors"))


if __name__ == "__main__":
    main()

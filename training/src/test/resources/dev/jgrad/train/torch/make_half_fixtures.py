"""Writes the half-precision fixtures of TorchStateDictTest from mlp.safetensors (maintainers only;
CI has no Python). Written with torch 2.13.0+cpu, safetensors 0.8.0:

    python training/src/test/resources/dev/jgrad/train/torch/make_half_fixtures.py

mlp_f16.safetensors and mlp_bf16.safetensors are the mlp's state_dict as .half() and
.bfloat16() tensors, as save_file writes them; mlp_half_as_f32.safetensors holds their values
back as float32 (PyTorch's exact widening), under "f16.<name>" and "bf16.<name>".
"""
import os

from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sd = load_file(os.path.join(HERE, "mlp.safetensors"))
    f16 = {k: v.half() for k, v in sd.items()}
    bf16 = {k: v.bfloat16() for k, v in sd.items()}
    save_file(f16, os.path.join(HERE, "mlp_f16.safetensors"))
    save_file(bf16, os.path.join(HERE, "mlp_bf16.safetensors"))
    widened = {"f16." + k: v.float() for k, v in f16.items()}
    widened.update({"bf16." + k: v.float() for k, v in bf16.items()})
    save_file(widened, os.path.join(HERE, "mlp_half_as_f32.safetensors"))


if __name__ == "__main__":
    main()

"""PyTorch eager peer of GpuTrainBench.java (bench mode): the same MLP, data, batching and SGD.

    python3 bench/gpu/torch_gpu_mlp.py HIDDEN[,HIDDEN...] BATCH SAMPLES EPOCHS WARMUP [MNIST_DIR]
    e.g. torch_gpu_mlp.py 100 100 60000 20 2    and    torch_gpu_mlp.py 1000,1000 1000 60000 10 2

The embedded 8,000-image split is tiled to SAMPLES images and kept on the GPU; every epoch is a new
permutation (drawn on the GPU) cut into full batches; float32 with TF32 off (jgrad multiplies in
true FP32). Each epoch reads the last step's loss and ends with torch.cuda.synchronize(). Prints
each epoch, the median and best after WARMUP, and the whole run including set-up, as jgrad does.
"""
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    run_start = time.perf_counter()
    hidden = [int(h) for h in sys.argv[1].split(",")]
    batch, samples, epochs, warmup = (int(a) for a in sys.argv[2:6])
    root = sys.argv[6] if len(sys.argv) > 6 else "examples/mnist/src/main/resources/mnist"
    if not torch.cuda.is_available():
        sys.exit("bench: torch sees no CUDA device; nothing to compare")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    x8 = read_idx(os.path.join(root, "train-images-idx3-ubyte.gz")).reshape(-1, 784)
    y8 = read_idx(os.path.join(root, "train-labels-idx1-ubyte.gz"))
    idx = np.arange(samples) % len(x8)
    dev = torch.device("cuda")
    x = torch.from_numpy(x8[idx].astype(np.float32) / 255.0).to(dev)
    y = torch.from_numpy(y8[idx].astype(np.int64)).to(dev)
    torch.manual_seed(0)
    layers, width = [], 784
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 10)).to(dev)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    steps = samples // batch
    name = f"784-{'-'.join(map(str, hidden))}-10 batch {batch}"
    print(f"bench: torch {torch.__version__} eager {name} on {torch.cuda.get_device_name()}, "
          f"{samples} samples, {steps} steps/epoch", flush=True)
    torch.cuda.synchronize()
    setup = time.perf_counter() - run_start
    seconds = []
    for epoch in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(samples, device=dev)
        for s in range(steps):
            i = perm[s * batch:(s + 1) * batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[i]), y[i])
            loss.backward()
            opt.step()
        last = loss.item()
        torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
        print(f"bench: torch epoch {epoch + 1} {seconds[-1]:.3f} s "
              f"{steps * batch / seconds[-1]:.0f} samples/s loss {last:.4f} | "
              f"allocated {torch.cuda.memory_allocated() / 2**20:.1f} MiB, "
              f"reserved {torch.cuda.memory_reserved() / 2**20:.1f} MiB, "
              f"peak {torch.cuda.max_memory_allocated() / 2**20:.1f} MiB", flush=True)
    rates = sorted(steps * batch / s for s in seconds[warmup:])
    med = rates[len(rates) // 2]
    total = time.perf_counter() - run_start
    print(f"bench: torch {name}: median {med:,.0f} samples/s, best {rates[-1]:,.0f} "
          f"(epochs {warmup + 1}-{epochs}), {1e6 * batch / med:.1f} us/step median; "
          f"whole run {steps * batch * epochs / total:,.0f} samples/s "
          f"({total:.2f} s incl. {setup:.2f} s set-up)", flush=True)


if __name__ == "__main__":
    main()

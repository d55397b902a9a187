"""Runs every workload of the CPU benchmark suite in jgrad, NumPy and PyTorch eager, alternating
the programs over rounds, and prints one table. Started by run.sh, which builds jgrad first.

    python3 suite.py --jgrad-cp CP --torch-python PY [--rounds N] [--epochs N] [--workloads a,b]

Each program runs in its own process; its peak RSS is the process's maximum resident set
(getrusage of the child). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from every
program's environment alike (this machine sets them for old OpenBLAS builds; a user's does not).
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FASHION = "/usr/share/datasets/fashion-mnist"
ALL = ["mlp-small/embedded", "mlp-small/fashion", "mlp-large/embedded", "mlp-large/fashion",
       "cnn/embedded", "deep/embedded"]
# NumPy's book layers run DeepConvNet at a few hundred samples/s: minutes an epoch, so not run
NUMPY_SKIPS = {"deep"}
SIZES = {"mlp-small": [784, 100, 10], "mlp-large": [784, 1000, 1000, 10]}


def env():
    e = dict(os.environ)
    e.pop("OPENBLAS_CORETYPE", None)
    e.pop("OPENBLAS_L2_SIZE", None)
    return e


def torch_found(python):
    """Whether PyTorch's python is there; says so when not."""
    if os.access(python, os.X_OK):
        return True
    print(f"# pytorch: skipped ({python} not found; see ../shared/README.md)")
    return False


def parse_workloads(spec, fashion_file):
    """[(workload, data, path)] of "w/embedded,w/fashion,...", skipping Fashion-MNIST with a note
    where its `fashion_file` is missing."""
    workloads = []
    for wd in spec.split(","):
        w, d = wd.split("/")
        if d == "fashion":
            if not os.path.exists(os.path.join(FASHION, fashion_file)):
                print(f"# {wd}: skipped, Fashion-MNIST is not installed "
                      "(apt-get install dataset-fashion-mnist)")
                continue
            workloads.append((w, d, FASHION))
        else:
            workloads.append((w, d, "embedded"))
    return workloads


def rss_of(cmd):
    """Runs cmd under os.wait4 to read its own peak RSS; returns (values, MiB)."""
    start = time.perf_counter()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvpe(cmd[0], cmd, env())
    os.close(w)
    chunks = []
    with os.fdopen(r) as f:
        chunks.append(f.read())
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}\n{chunks[0]}")
    values = {}
    for line in chunks[0].splitlines():
        key, _, value = line.partition(" ")
        values[key] = value
    return values, usage.ru_maxrss / 1024.0, time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jgrad-cp", required=True)
    ap.add_argument("--torch-python", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--workloads", default=",".join(ALL))
    a = ap.parse_args()

    programs = {
        "jgrad": lambda w, d: ["java", "-cp", a.jgrad_cp, "JgradWorkload", w, d, str(a.epochs)],
        "numpy": lambda w, d: [sys.executable, os.path.join(HERE, "peers.py"), "numpy", w, d,
                               str(a.epochs)],
        "pytorch": lambda w, d: [a.torch_python, os.path.join(HERE, "peers.py"), "torch", w, d,
                                 str(a.epochs)],
    }
    if not torch_found(a.torch_python):
        del programs["pytorch"]
    workloads = parse_workloads(a.workloads, "train-images-idx3-ubyte.gz")

    print("# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for every program in this run")
    print(f"# {a.rounds} rounds x {a.epochs} epochs, programs alternating; "
          f"load average at start {os.getloadavg()[0]:.2f}")
    results = {}  # (workload, data, program) -> list of per-round dicts
    bounds = {}   # (workload, data) -> list of GEMM-bound samples/s
    names = {}
    order = list(programs)
    for rnd in range(a.rounds):
        for w, d, path in workloads:
            # rotate the order each round, so no program always runs first or last
            k = (rnd + len(results)) % len(order)
            for prog in order[k:] + order[:k]:
                if prog == "numpy" and w in NUMPY_SKIPS:
                    continue
                load = os.getloadavg()[0]
                values, rss, wall = rss_of(programs[prog](w, path))
                secs = [float(s) for s in values["EPOCH_SECONDS"].split(",")]
                n = int(values["SAMPLES_PER_EPOCH"])
                names[prog] = values.get("NAME", prog)
                results.setdefault((w, d, prog), []).append({
                    "median": statistics.median(n / s for s in secs),
                    "first": n / secs[0],
                    "whole": n * len(secs) / sum(secs),
                    "rss": rss, "load": load, "wall": wall})
                print(f"# round {rnd + 1} {w}/{d} {prog}: median epoch "
                      f"{results[(w, d, prog)][-1]['median']:,.0f} samples/s, whole "
                      f"{results[(w, d, prog)][-1]['whole']:,.0f}, peak RSS {rss:,.0f} MiB, "
                      f"load {load:.2f}", flush=True)
            if w == "mlp-large" and "jgrad" in programs:
                # the step's products alone: through OpenBLAS (the bound), and through
                # the kernel jgrad itself uses (its own float GEMM where the CPU has AVX-512/AVX2)
                for kernel in ("openblas", "jgrad"):
                    cmd = (["java", f"-Djgrad.cpu.sgemm={kernel}", "-cp", a.jgrad_cp, "GemmBound",
                            "100"] + [str(s) for s in SIZES[w]])
                    values, _, _ = rss_of(cmd)
                    bounds.setdefault((w, d, kernel), []).append(
                        float(values["GEMM_BOUND"].split()[1]))

    print()
    for prog, name in names.items():
        print(f"# {prog}: {name}")
    print("# samples/s: median over rounds of each run's median epoch, first epoch and whole "
          "run (the epochs' sum); ratio: jgrad / the faster peer on that figure; process s: the "
          "whole process, start-up and data loading included")
    header = ("| workload | program | median epoch | first epoch | first/median | whole run | "
              "ratio median | ratio whole | process s | peak RSS MiB | load |")
    print(header)
    print("|---" * 11 + "|")
    for w, d, _ in workloads:
        ran = [p for p in programs if results.get((w, d, p))]  # NumPy skips some workloads
        peers = [p for p in ran if p != "jgrad"]
        def fig(prog, key):
            return statistics.median(r[key] for r in results[(w, d, prog)])
        for prog in ran:
            med, first, whole = fig(prog, "median"), fig(prog, "first"), fig(prog, "whole")
            ratio_m = ratio_w = ""
            if prog == "jgrad" and peers:
                ratio_m = f"{med / max(fig(p, 'median') for p in peers):.2f}"
                ratio_w = f"{whole / max(fig(p, 'whole') for p in peers):.2f}"
            print(f"| {w}/{d} | {prog} | {med:,.0f} | {first:,.0f} | {first / med:.2f} | "
                  f"{whole:,.0f} | {ratio_m} | {ratio_w} | {fig(prog, 'wall'):.1f} | "
                  f"{fig(prog, 'rss'):,.0f} | "
                  f"{fig(prog, 'load'):.2f} |")
        for kernel, label in (("openblas", "OpenBLAS"), ("jgrad", "jgrad's sgemm")):
            if (w, d, kernel) in bounds:
                bound = statistics.median(bounds[(w, d, kernel)])
                print(f"| {w}/{d} | GEMM-only bound, {label} | {bound:,.0f} | | | | jgrad at "
                      f"{fig('jgrad', 'median') / bound:.0%} of it | | | | |")


if __name__ == "__main__":
    main()

"""The inference half of the benchmark suite: the training workloads' models predicting the test
set in jgrad, NumPy (the book's layers) and PyTorch eager with 1 and 2 threads, alternating the
programs over rounds, each in a fresh process; one table at the end. Started by infer.sh, which
builds jgrad first.

    python3 infer.py --jgrad-cp CP --torch-python PY [--rounds N] [--workloads a,b]
                     [--warmup N] [--calls N] [--passes N] [--jgrad-opts "-D..."]

Per program: the first prediction's time in the fresh process (model built), the median of the
WARMUP single-image calls after it ("early calls", a service's first moments while the JIT works),
the median and p99 of CALLS single-image calls after 3 s of them, and samples/s over the test set
in batches of 100 and 1,000 (median of PASSES passes, each over 10,000 samples: the set repeated).
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from every program's environment alike
(suite.env).
"""
import argparse
import os
import statistics
import sys

from suite import parse_workloads, rss_of, torch_found

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = ["mlp-small/embedded", "mlp-large/embedded", "cnn/embedded", "mlp-small/fashion",
       "mlp-large/fashion", "cnn/fashion"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jgrad-cp", required=True)
    ap.add_argument("--torch-python", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--workloads", default=",".join(ALL))
    ap.add_argument("--jgrad-opts", default="", help="JVM options for jgrad's process")
    a = ap.parse_args()
    counts = [str(a.warmup), str(a.calls), str(a.passes)]
    peer = os.path.join(HERE, "infer_peers.py")
    programs = {
        "jgrad": lambda w, d: (["java"] + a.jgrad_opts.split() + ["-cp", a.jgrad_cp,
                                                                  "InferWorkload", w, d] + counts),
        "numpy": lambda w, d: [sys.executable, peer, "numpy", w, d] + counts,
        "pytorch-1t": lambda w, d: [a.torch_python, peer, "torch1", w, d] + counts,
        "pytorch-2t": lambda w, d: [a.torch_python, peer, "torch2", w, d] + counts,
    }
    if not torch_found(a.torch_python):
        del programs["pytorch-1t"], programs["pytorch-2t"]
    workloads = parse_workloads(a.workloads, "t10k-images-idx3-ubyte.gz")

    print("# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for every program in this run")
    print(f"# {a.rounds} rounds; latency: {a.warmup} early calls, warm-up to 3 s, then {a.calls} "
          f"timed, batch 1; batches: warm-up passes for 1 s (at least 2), then {a.passes}; load "
          f"average at start {os.getloadavg()[0]:.2f}")
    results = {}  # (workload, data, program) -> list of per-round dicts
    names = {}
    order = list(programs)
    for rnd in range(a.rounds):
        for i, (w, d, path) in enumerate(workloads):
            k = (rnd + i) % len(order)  # rotate, so no program always runs first or last
            for prog in order[k:] + order[:k]:
                load = os.getloadavg()[0]
                values, rss, _ = rss_of(programs[prog](w, path))
                names[prog] = values.get("NAME", prog)
                med, p99 = (float(v) for v in values["LAT_US"].split())
                r = {"first": float(values["FIRST_CALL_US"]) / 1e3,
                     "early": float(values["LAT_EARLY_US"]), "med": med, "p99": p99,
                     "rss": rss, "load": load}
                results.setdefault((w, d, prog), []).append(r)
                print(f"# round {rnd + 1} {w}/{d} {prog}: first {r['first']:.1f} ms, early "
                      f"{r['early']:.1f} us, latency "
                      f"{med:.1f} us (p99 {p99:.1f}), batches {values['BATCH_SPS']}, "
                      f"load {load:.2f}", flush=True)
                r["b100"], r["b1000"] = (float(v) for v in values["BATCH_SPS"].split())

    print()
    for prog, name in names.items():
        print(f"# {prog}: {name}")
    print("# medians over rounds; first call: ms in a fresh process; latency: us per single-image "
          f"call (early: the median of the {a.warmup} calls after the first); batches: samples/s "
          "over the test set; ratio: jgrad's figure against the best peer's (above 1: jgrad "
          "better)")
    print("| workload | program | first call ms | early calls us | latency median us | p99 us | "
          "batch 100 /s | batch 1000 /s | ratio latency | ratio b100 | ratio b1000 | peak RSS MiB "
          "| load |")
    print("|---" * 13 + "|")
    for w, d, _ in workloads:
        ran = [p for p in programs if results.get((w, d, p))]
        peers = [p for p in ran if p != "jgrad"]

        def fig(prog, key):
            return statistics.median(r[key] for r in results[(w, d, prog)])
        for prog in ran:
            ratios = ["", "", ""]
            if prog == "jgrad" and peers:
                ratios = [f"{min(fig(p, 'med') for p in peers) / fig(prog, 'med'):.2f}",
                          f"{fig(prog, 'b100') / max(fig(p, 'b100') for p in peers):.2f}",
                          f"{fig(prog, 'b1000') / max(fig(p, 'b1000') for p in peers):.2f}"]
            print(f"| {w}/{d} | {prog} | {fig(prog, 'first'):.1f} | {fig(prog, 'early'):,.1f} | "
                  f"{fig(prog, 'med'):,.1f} | "
                  f"{fig(prog, 'p99'):,.1f} | {fig(prog, 'b100'):,.0f} | "
                  f"{fig(prog, 'b1000'):,.0f} | {' | '.join(ratios)} | {fig(prog, 'rss'):,.0f} | "
                  f"{fig(prog, 'load'):.2f} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Joins the Java and NumPy benchmark outputs into one table with the ratio jgrad / numpy per
shape. Usage: report.py JAVA_1 [JAVA_2 ...] -- NUMPY_1 [NUMPY_2 ...], one file per round; a
shape's "best" is the best repetition over all rounds and its "median" the median of the rounds'
medians, so a round disturbed by other work on the machine does not decide the result alone."""
import statistics
import sys


def read(paths):
    """{shape: (fields of the first file's line, [best per round], [median per round])}."""
    rows = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 8 or not parts[1].isdigit():
                    continue
                fields, bests, medians, raws = rows.setdefault(parts[0], (parts, [], [], []))
                bests.append(float(parts[6]))
                medians.append(float(parts[7]))
                if len(parts) >= 10:
                    raws.append(float(parts[8]))
    return rows


def main(args):
    split = args.index("--")
    java = read(args[:split])
    numpy = read(args[split + 1:])
    rounds = len(args[:split])
    header = (f"| {'shape':<14} | {'m x n x k':<14} | {'op':<5} | {'jgrad best':>10} | "
              f"{'numpy best':>10} | {'ratio best':>10} | {'jgrad med':>9} | {'numpy med':>9} | "
              f"{'ratio med':>9} | {'raw OpenBLAS best':>17} |")
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    worst = None
    for name, (j, jb, jm, raw) in java.items():
        if name not in numpy:
            continue
        _, nb, nm, _ = numpy[name]
        m, n, k, ta, tb = j[1], j[2], j[3], j[4] == "true", j[5] == "true"
        op = "AᵀB" if ta else ("ABᵀ" if tb else "AB")
        best_j, best_n = max(jb), max(nb)
        med_j, med_n = statistics.median(jm), statistics.median(nm)
        ratio = best_j / best_n
        worst = ratio if worst is None else min(worst, ratio)
        print(f"| {name:<14} | {m + 'x' + n + 'x' + k:<14} | {op:<5} | {best_j:>10.1f} | "
              f"{best_n:>10.1f} | {ratio:>10.2f} | {med_j:>9.1f} | {med_n:>9.1f} | "
              f"{med_j / med_n:>9.2f} | {max(raw):>17.1f} |")
    print()
    print(f"GFLOP/s, float32, {rounds} round(s) of Java then NumPy. ratio = jgrad / numpy. "
          "'raw OpenBLAS' is jgrad's OpenBLAS called directly on off-heap memory (no copies) "
          "with its own threads, as NumPy calls its own.")
    if worst is not None:
        verdict = "meets" if worst >= 0.7 else "is BELOW"
        print(f"Lowest best-of ratio: {worst:.2f} ({verdict} the 0.70 target)")


if __name__ == "__main__":
    main(sys.argv[1:])

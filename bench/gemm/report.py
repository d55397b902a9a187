#!/usr/bin/env python3
"""Joins the Java and NumPy benchmark outputs (files given as arguments) into one table with the
ratio jgrad / numpy per shape, on the best and on the median repetition."""
import sys


def read(path):
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 8 and parts[1].isdigit():
                rows[parts[0]] = parts
    return rows


def main(java_path, numpy_path):
    java = read(java_path)
    numpy = read(numpy_path)
    header = (f"| {'shape':<14} | {'m x n x k':<15} | {'op':<6} | {'jgrad best':>10} | "
              f"{'numpy best':>10} | {'ratio best':>10} | {'jgrad med':>9} | {'numpy med':>9} | "
              f"{'ratio med':>9} | {'raw OpenBLAS best':>17} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    worst = None
    for name, j in java.items():
        if name not in numpy:
            continue
        p = numpy[name]
        m, n, k, ta, tb = j[1], j[2], j[3], j[4] == "true", j[5] == "true"
        op = "A^T*B" if ta else ("A*B^T" if tb else "A*B")
        jb, jm, rb = float(j[6]), float(j[7]), float(j[8])
        nb, nm = float(p[6]), float(p[7])
        ratio = jb / nb
        worst = ratio if worst is None else min(worst, ratio)
        print(f"| {name:<14} | {m + 'x' + n + 'x' + k:<15} | {op:<6} | {jb:>10.1f} | {nb:>10.1f} | "
              f"{ratio:>10.2f} | {jm:>9.1f} | {nm:>9.1f} | {jm / nm:>9.2f} | {rb:>17.1f} |")
    print()
    print("GFLOP/s, float32. ratio = jgrad / numpy; 'raw OpenBLAS' is the same library called on "
          "off-heap memory without the backend's copies.")
    if worst is not None:
        verdict = "meets" if worst >= 0.7 else "BELOW"
        print(f"Lowest best-of ratio: {worst:.2f} ({verdict} the 0.70 target)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

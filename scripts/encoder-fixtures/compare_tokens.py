#!/usr/bin/python3
"""Compares an `opticspace encode` output .npy with the PyTorch expectation.

usage: compare_tokens.py EXPECTED.npy ACTUAL.npy [--label NAME] [--max-rel R] [--min-cos C]
Prints one JSON line: shape, max |expected|, max abs error, max abs error / max |expected|,
minimum per-row cosine similarity (rows = tokens; the trailing dimension is the feature).
Exits 1 when shapes differ, the output is not finite, or a given threshold is exceeded.
"""
import argparse
import json
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('expected')
    parser.add_argument('actual')
    parser.add_argument('--label', default='')
    parser.add_argument('--max-rel', type=float, help='fail when max abs error / max |expected| exceeds this')
    parser.add_argument('--min-cos', type=float, help='fail when a row cosine falls below this')
    args = parser.parse_args()
    expected = np.load(args.expected).astype(np.float64)
    actual = np.load(args.actual).astype(np.float64)
    report = {'label': args.label, 'expected_shape': list(expected.shape), 'actual_shape': list(actual.shape)}
    if expected.shape != actual.shape:
        report['ok'] = False
        print(json.dumps(report))
        return 1
    rows_e = expected.reshape(-1, expected.shape[-1])
    rows_a = actual.reshape(-1, actual.shape[-1])
    error = np.abs(actual - expected)
    scale = float(np.abs(expected).max())
    cosine = (rows_e * rows_a).sum(1) / (np.linalg.norm(rows_e, axis=1) * np.linalg.norm(rows_a, axis=1) + 1e-30)
    worst = np.unravel_index(int(np.argmax(error)), error.shape)
    report.update(
        finite=bool(np.isfinite(actual).all()),
        max_abs_expected=scale,
        max_abs_error=float(error.max()),
        mean_abs_error=float(error.mean()),
        max_rel_error=float(error.max() / scale),
        worst_index=[int(i) for i in worst],
        min_row_cosine=float(cosine.min()),
        worst_row=int(np.argmin(cosine)),
    )
    ok = report['finite']
    if args.max_rel is not None:
        ok = ok and report['max_rel_error'] <= args.max_rel
    if args.min_cos is not None:
        ok = ok and report['min_row_cosine'] >= args.min_cos
    report['ok'] = bool(ok)
    print(json.dumps(report))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

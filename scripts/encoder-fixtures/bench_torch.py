#!/usr/bin/python3
"""Times the PyTorch (CPU) DeepEncoder of make_fixtures.py on one configuration.

usage: /usr/bin/python3 scripts/encoder-fixtures/bench_torch.py '<EncoderConfig JSON>' [repeats]
Prints one JSON line: {"ms": median forward milliseconds, "threads": torch threads, "tokens": n}.
Weights are seeded random (timing does not depend on their values).
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import encode, make_weights  # noqa: E402


def main():
    cfg = json.loads(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    torch.set_grad_enabled(False)
    gen = torch.Generator().manual_seed(0)
    weights = make_weights(cfg, gen)
    size = cfg['imageSize']
    pixels = torch.rand(1, 3, size, size, generator=gen) * 2 - 1
    tokens = encode(pixels, weights, cfg)['tokens']  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        encode(pixels, weights, cfg)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({'ms': times[len(times) // 2], 'threads': torch.get_num_threads(), 'tokens': tokens.shape[0]}))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Times the PyTorch DeepEncoder of make_fixtures.py on one configuration.

usage: python3 scripts/encoder-fixtures/bench_torch.py '<EncoderConfig JSON>' [repeats] [cpu|cuda]
Prints one JSON line: {"ms": median forward milliseconds, "threads": torch threads, "tokens": n,
"device": where it ran}. Weights are seeded random (timing does not depend on their values).
On CUDA, TF32 is off (plain f32, as the WebGPU kernels compute).
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
    device = torch.device(sys.argv[3] if len(sys.argv) > 3 else 'cpu')
    torch.set_grad_enabled(False)
    if device.type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    gen = torch.Generator().manual_seed(0)
    weights = {name: tensor.to(device) for name, tensor in make_weights(cfg, gen).items()}
    size = cfg['imageSize']
    pixels = (torch.rand(1, 3, size, size, generator=gen) * 2 - 1).to(device)

    def forward():
        out = encode(pixels, weights, cfg)['tokens']
        if device.type == 'cuda':
            torch.cuda.synchronize()
        return out

    tokens = forward()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        forward()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({'ms': times[len(times) // 2], 'threads': torch.get_num_threads(), 'tokens': tokens.shape[0], 'device': str(device)}))


if __name__ == '__main__':
    main()

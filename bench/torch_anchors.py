#!/usr/bin/env python3
"""PyTorch anchors for `pnpm bench torch`: the same shapes as the WebGPU benches, on CUDA.

usage: python3 bench/torch_anchors.py '<spec JSON>'
spec: {"device": "cuda"|"cpu", "matmul": [[M, K, N], ...], "search_items": [N, ...],
       "batches": [1, 64], "k": 10, "kmeans_items": N, "kmeans_iterations": 20,
       "features": 384, "repeats": 20}
Prints one JSON line: {"torch", "device", "matmul": [...], "kmeans": [...], "search": [...]}.

- matmul: median time of C = A B on resident operands (f32 with TF32 off, TF32, f16 on CUDA).
- k-means: Lloyd iterations (distance GEMM + argmin + centroid update) on N x F seeded
  clustered data, k = round(sqrt(N)), no host round trip between iterations.
- search: brute-force cosine top-k of a query batch made on the host (upload, scores, top-k,
  indices read back), against N unit-norm items resident on the device.
Data is seeded (32 Gaussian clusters + 0.5 noise, as bench/index.bench.ts); timing does not
depend on the values.
"""
import json
import math
import sys
import time

import torch


def synchronize(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def median_ms(fn, device, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    synchronize(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def clustered(items, features, device, seed, clusters=32):
    gen = torch.Generator(device=device).manual_seed(seed)
    centres = torch.randn(clusters, features, generator=gen, device=device)
    labels = torch.randint(0, clusters, (items,), generator=gen, device=device)
    return centres[labels] + 0.5 * torch.randn(items, features, generator=gen, device=device)


def bench_matmul(spec, device):
    precisions = [('f32', torch.float32, False)]
    if device.type == 'cuda':
        precisions += [('tf32', torch.float32, True), ('f16', torch.float16, False)]
    rows = []
    for m, k, n in spec['matmul']:
        gen = torch.Generator(device=device).manual_seed(m + k + n)
        for name, dtype, tf32 in precisions:
            if device.type == 'cuda':
                torch.backends.cuda.matmul.allow_tf32 = tf32
            a = torch.rand(m, k, generator=gen, device=device).to(dtype)
            b = torch.rand(k, n, generator=gen, device=device).to(dtype)
            ms = median_ms(lambda: a @ b, device, spec['repeats'])
            rows.append({'size': f'{m}x{k}x{n}', 'dtype': name, 'ms': ms, 'TFLOP/s': 2 * m * k * n / ms / 1e9})
    if device.type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False
    return rows


def lloyd(x, centroids, iterations):
    k = centroids.shape[0]
    x_norms = (x * x).sum(1, keepdim=True)
    for _ in range(iterations):
        distances = x_norms - 2 * x @ centroids.T + (centroids * centroids).sum(1)[None, :]
        assignment = distances.argmin(1)
        sums = torch.zeros_like(centroids).index_add_(0, assignment, x)
        counts = torch.bincount(assignment, minlength=k).to(x.dtype)[:, None]
        # An empty cluster keeps its centroid.
        centroids = torch.where(counts > 0, sums / counts.clamp(min=1), centroids)
    return centroids


def bench_kmeans(spec, device):
    items, features, iterations = spec['kmeans_items'], spec['features'], spec['kmeans_iterations']
    x = clustered(items, features, device, seed=items)
    k = round(math.sqrt(items))
    gen = torch.Generator(device=device).manual_seed(7)
    start_centroids = x[torch.randperm(items, generator=gen, device=device)[:k]].clone()
    lloyd(x, start_centroids, 2)  # warm-up (kernel selection)
    synchronize(device)
    start = time.perf_counter()
    lloyd(x, start_centroids, iterations)
    synchronize(device)
    ms = (time.perf_counter() - start) * 1000
    return [{'items': items, 'features': features, 'k': k, 'iterations': iterations, 'ms': ms, 'ms / iteration': ms / iterations}]


def bench_search(spec, device):
    rows = []
    features, k = spec['features'], spec['k']
    for items in spec['search_items']:
        x = torch.nn.functional.normalize(clustered(items, features, device, seed=items), dim=1)
        for batch in spec['batches']:
            queries = clustered(batch, features, torch.device('cpu'), seed=99)

            def search():
                q = torch.nn.functional.normalize(queries.to(device), dim=1)
                return torch.topk(q @ x.T, k, dim=1).indices.cpu()

            ms = median_ms(search, device, spec['repeats'])
            rows.append({'items': items, 'batch': batch, 'ms / batch': ms, 'QPS': batch * 1000 / ms})
        del x
        if device.type == 'cuda':
            torch.cuda.empty_cache()
    return rows


def main():
    spec = json.loads(sys.argv[1])
    device = torch.device(spec['device'])
    torch.set_grad_enabled(False)
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else f'CPU ({torch.get_num_threads()} threads)'
    result = {'torch': torch.__version__, 'device': name}
    result['matmul'] = bench_matmul(spec, device)
    result['kmeans'] = bench_kmeans(spec, device)
    result['search'] = bench_search(spec, device)
    print(json.dumps(result))


if __name__ == '__main__':
    main()

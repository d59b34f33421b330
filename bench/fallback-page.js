// Page side of bench/fallback.bench.ts: cosine scores of a query batch against N items with
// gpu.js (WebGL2) and with a plain loop, on identical seeded data. Kept as plain JS because
// gpu.js compiles kernels from their source text.
window.runFallbackBench = function ({ items, queries, features }) {
  let state = 12345;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const itemRows = Array.from({ length: items }, () => Float32Array.from({ length: features }, random));
  const queryRows = Array.from({ length: queries }, () => Float32Array.from({ length: features }, random));
  const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const itemNorms = Float32Array.from(itemRows, norm);
  const queryNorms = Float32Array.from(queryRows, norm);

  function scorePlain() {
    const out = new Float32Array(queries * items);
    for (let q = 0; q < queries; q++) {
      const query = queryRows[q];
      for (let i = 0; i < items; i++) {
        const row = itemRows[i];
        let dot = 0;
        for (let f = 0; f < features; f++) dot += query[f] * row[f];
        out[q * items + i] = dot / (queryNorms[q] * itemNorms[i]);
      }
    }
    return out;
  }

  // gpu.js outputs are textures (at most 8192 per side), so items wrap into rows of `width`.
  const width = Math.min(items, 4096);
  const rowsPerQuery = Math.ceil(items / width);
  const gpu = new window.GPU({ mode: 'webgl2' });
  const kernel = gpu
    .createKernel(function (q, x, qn, xn) {
      const query = Math.floor(this.thread.y / this.constants.rowsPerQuery);
      const item = (this.thread.y % this.constants.rowsPerQuery) * this.constants.width + this.thread.x;
      if (item >= this.constants.items) return 0;
      let dot = 0;
      for (let f = 0; f < this.constants.features; f++) {
        dot += q[query][f] * x[item][f];
      }
      return dot / (qn[query] * xn[item]);
    })
    .setConstants({ features, items, width, rowsPerQuery })
    .setOutput([width, rowsPerQuery * queries]);
  const scoreGpuJs = () => kernel(queryRows, itemRows, queryNorms, itemNorms);
  const gpuValue = (out, q, i) => out[q * rowsPerQuery + Math.floor(i / width)][i % width];

  function median(fn, repeats = 3) {
    fn();
    const times = [];
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      fn();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[Math.floor(repeats / 2)];
  }

  const reference = scorePlain();
  const gpuOut = scoreGpuJs();
  let maxError = 0;
  for (let q = 0; q < queries; q++) {
    for (let i = 0; i < items; i++) maxError = Math.max(maxError, Math.abs(gpuValue(gpuOut, q, i) - reference[q * items + i]));
  }
  return { ts: median(scorePlain), gpujs: median(scoreGpuJs), mode: gpu.mode, maxError };
};

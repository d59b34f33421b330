// GELU activations of one f32 value, shared by shaders/nn/gelu.wgsl and the fused epilogue of
// shaders/linalg/matmul.wgsl (included by the host). gelu_erf: exact erf form
// 0.5 x (1 + erf(x / sqrt 2)), as torch.nn.functional.gelu(approximate='none'); quick_gelu:
// x * sigmoid(1.702 x), as CLIP's QuickGELU.
//
// erf: our own least-squares fits (double precision, checked in f32 emulation against libm erf,
// max |error| 1.5e-7 over [-6, 6]):
//   |x| < 1:      erf(x) = x * P(x^2), P of degree 7;
//   1 <= |x| < 4: erf(x) = 1 - exp(Q(u)), u = (|x| - 2.5) / 1.5, Q of degree 12 fits log(erfc);
//   |x| >= 4:     erf(x) = +-1 (erfc(4) = 1.5e-8 is below half an f32 ulp of 1).

fn erf_f32(value: f32) -> f32 {
  let t = abs(value);
  if (t < 1.0) {
    let s = t * t;
    var p = -9.809256153658732e-06;
    p = fma(p, s, 0.00011313114378907753);
    p = fma(p, s, -0.000849019527472837);
    p = fma(p, s, 0.0052214229108585915);
    p = fma(p, s, -0.026865558323749615);
    p = fma(p, s, 0.11283784462373025);
    p = fma(p, s, -0.37612638580689584);
    p = fma(p, s, 1.1283791670719556);
    return value * p;
  }
  if (t >= 4.0) {
    return sign(value);
  }
  let u = (t - 2.5) / 1.5;
  var q = -6.170826113151202e-07;
  q = fma(q, u, 1.5120403096454096e-06);
  q = fma(q, u, -5.146460538402141e-07);
  q = fma(q, u, -6.693752529282062e-06);
  q = fma(q, u, 4.5198968704646585e-05);
  q = fma(q, u, -0.00021754119160563915);
  q = fma(q, u, 0.0008774749301523125);
  q = fma(q, u, -0.003196569231087339);
  q = fma(q, u, 0.010962719566239846);
  q = fma(q, u, -0.036645982179256686);
  q = fma(q, u, -2.1237609000043296);
  q = fma(q, u, -8.029021126924912);
  q = fma(q, u, -7.8068152727313205);
  return sign(value) * (1.0 - exp(q));
}

fn gelu_erf(v: f32) -> f32 {
  return 0.5 * v * (1.0 + erf_f32(v * 0.7071067811865476));
}

fn quick_gelu(v: f32) -> f32 {
  return v / (1.0 + exp(-1.702 * v));
}

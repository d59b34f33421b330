// Order keys shared by the top-k kernels (shaders/select/*.wgsl), prepended by the host.
// A key is an order-preserving u32 of an f32 score (larger key = better; inverted when the
// smallest scores are wanted), with -0 folded into +0. "Better" = larger key, then LOWER index,
// so ties break by lower index and the order is total. Key 0 with index SENTINEL_INDEX is a
// sentinel below every real entry: no finite or infinite score maps to key 0.

const SENTINEL_INDEX: u32 = 0xffffffffu;

fn is_nan_bits(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

fn order_key(bits: u32, largest: bool) -> u32 {
  var b = bits;
  if (b == 0x80000000u) {
    b = 0u; // -0 ranks as +0
  }
  var key = b | 0x80000000u;
  if ((b & 0x80000000u) != 0u) {
    key = ~b;
  }
  if (!largest) {
    key = ~key;
  }
  return key;
}

fn better(key_a: u32, index_a: u32, key_b: u32, index_b: u32) -> bool {
  return key_a > key_b || (key_a == key_b && index_a < index_b);
}

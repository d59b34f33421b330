// CLIP input embeddings from SAM features (reference: clip_sdpa.py CLIPVisionEmbeddings.forward
// with patch_embeds): out[0] = class_embedding + position[0],
// out[1 + p] = features[p] + position[1 + p]. out is [positions + 1, hidden].
// The flat entry point (shaders/common/flat-main.wgsl) is prepended by the host.

struct Params {
  hidden: u32,
  count: u32,
};

@group(0) @binding(0) var<storage, read> features: array<elem>;
@group(0) @binding(1) var<storage, read> class_embedding: array<elem>;
@group(0) @binding(2) var<storage, read> position: array<elem>;
@group(0) @binding(3) var<storage, read_write> out: array<elem>;
@group(0) @binding(4) var<uniform> params: Params;

fn invocations() -> u32 {
  return params.count;
}

fn run(i: u32) {
  var value: f32;
  if (i < params.hidden) {
    value = f32(class_embedding[i]);
  } else {
    value = f32(features[i - params.hidden]);
  }
  out[i] = elem(value + f32(position[i]));
}

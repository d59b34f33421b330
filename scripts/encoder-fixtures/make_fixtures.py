#!/usr/bin/python3
"""Writes PyTorch reference fixtures for @opticspace/encoder (reduced DeepEncoder configs).

An independent PyTorch implementation of DeepSeek-OCR's DeepEncoder (SAM ViT-B + CLIP-L +
linear projector + global-view token layout) following the semantics of
deepseek-ai/DeepSeek-OCR DeepSeek-OCR-vllm/deepencoder/{sam_vary_sdpa,clip_sdpa}.py and
deepseek_ocr.py, at reduced sizes but with the checkpoint's tensor names and layouts.
Seeded weights; runs on torch 1.13 (no scaled_dot_product_attention: attention is explicit).

Run:  /usr/bin/python3 scripts/encoder-fixtures/make_fixtures.py
(Re-running reproduces weights and pixels exactly; expected outputs may move by ~1e-6 relative
with the CPU kernels torch picks.)
Writes packages/encoder/test/fixtures/<name>/{config.json, weights.bin (safetensors format),
pixels.npy, tokens.npy, sam-blocks.npy, neck.npy, sam-features.npy, clip.npy}.

Opt-in, not committed (about 30 MB):  make_fixtures.py --only tiny-narrow --out /tmp/fixtures
writes the Tiny mode's real geometry (512 px, 12 + 24 blocks, windows of 14 padded 32 -> 42,
global blocks 2/5/8/11, pos-embed 64 -> 32, rel-pos 127 -> 63 rows, CLIP grid 16 -> 8) with
narrow widths, for checking `opticspace encode --config` against PyTorch at full depth.

Full size (issue 5's acceptance check, never committed, about 0.8 GB):
    make_fixtures.py --only full --out /tmp/deepencoder-full [--modes tiny,base]
writes weights.safetensors: seeded random weights for the real DeepEncoder (SAM ViT-B 768/12/12,
CLIP-L 1024/24/16, projector 2048 -> 1280, about 401M parameters) with the checkpoint's names,
shapes and BF16 storage, plus a few language-model tensors the encoder must skip; and per mode
<mode>/{pixels.npy [1,3,S,S], tokens.npy, sam-features.npy, clip.npy}, computed in f32 from the
bf16-rounded weights. scripts/encoder-fixtures/verify_full.sh runs it end to end.
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT_DIR = os.path.join(ROOT, 'packages', 'encoder', 'test', 'fixtures')

# Reduced configurations. Field names match EncoderConfig in packages/encoder/src/config.ts.
CONFIGS = {
    # Shrinking: pos-embed 20 -> 16 (antialias matters), global rel-pos 39 -> 31 rows,
    # windows of 5 on a 16 grid (padded to 20), CLIP position grid 6 -> 4.
    'shrink-256': dict(
        imageSize=256,
        sam=dict(patchSize=16, embedDim=32, depth=3, heads=2, mlpDim=64, windowSize=5, globalBlocks=[1],
                 nativeGrid=20, neckChannels=16, net2Channels=24, net3Channels=32, layerNormEps=1e-6),
        clip=dict(hidden=32, depth=2, heads=2, mlpDim=64, nativeGrid=6, layerNormEps=1e-5),
        projectorDim=48,
        seed=1234,
    ),
    # Growing: pos-embed 8 -> 12, global rel-pos 15 -> 23 rows, windows of 5 on a 12 grid,
    # CLIP position grid 2 -> 3 (odd output grid for the stride-2 convs).
    'grow-192': dict(
        imageSize=192,
        sam=dict(patchSize=16, embedDim=24, depth=2, heads=3, mlpDim=40, windowSize=5, globalBlocks=[0],
                 nativeGrid=8, neckChannels=12, net2Channels=20, net3Channels=16, layerNormEps=1e-6),
        clip=dict(hidden=16, depth=1, heads=2, mlpDim=24, nativeGrid=2, layerNormEps=1e-5),
        projectorDim=20,
        seed=99,
    ),
}

# Opt-in configurations (too large to commit), selected with --only.
EXTRA_CONFIGS = {
    'tiny-narrow': dict(
        imageSize=512,
        sam=dict(patchSize=16, embedDim=96, depth=12, heads=2, mlpDim=384, windowSize=14, globalBlocks=[2, 5, 8, 11],
                 nativeGrid=64, neckChannels=32, net2Channels=64, net3Channels=128, layerNormEps=1e-6),
        clip=dict(hidden=128, depth=24, heads=2, mlpDim=512, nativeGrid=16, layerNormEps=1e-5),
        projectorDim=160,
        seed=512,
    ),
    # Full widths (768 / 12 heads, CLIP 1024 / 16 heads, projector 1280) at Tiny size with one
    # window block, one global block and one CLIP block (about 160 MB of f32 weights).
    'tiny-shallow': dict(
        imageSize=512,
        sam=dict(patchSize=16, embedDim=768, depth=2, heads=12, mlpDim=3072, windowSize=14, globalBlocks=[1],
                 nativeGrid=64, neckChannels=256, net2Channels=512, net3Channels=1024, layerNormEps=1e-6),
        clip=dict(hidden=1024, depth=1, heads=16, mlpDim=4096, nativeGrid=16, layerNormEps=1e-5),
        projectorDim=1280,
        seed=768,
    ),
}


def make_weights(cfg, gen):
    sam, clip = cfg['sam'], cfg['clip']

    def randn(*shape, std=1.0):
        return torch.randn(*shape, generator=gen, dtype=torch.float64).float() * std

    def lin(prefix, out_f, in_f, bias=True):
        w[prefix + '.weight'] = randn(out_f, in_f, std=1 / math.sqrt(in_f))
        if bias:
            w[prefix + '.bias'] = randn(out_f, std=0.1)

    def norm(prefix, n):
        w[prefix + '.weight'] = 1 + randn(n, std=0.1)
        w[prefix + '.bias'] = randn(n, std=0.1)

    w = {}
    s = 'model.sam_model.'
    d, hd = sam['embedDim'], sam['embedDim'] // sam['heads']
    p = sam['patchSize']
    w[s + 'pos_embed'] = randn(1, sam['nativeGrid'], sam['nativeGrid'], d, std=0.5)
    w[s + 'patch_embed.proj.weight'] = randn(d, 3, p, p, std=1 / math.sqrt(3 * p * p))
    w[s + 'patch_embed.proj.bias'] = randn(d, std=0.1)
    for i in range(sam['depth']):
        b = f'{s}blocks.{i}.'
        rows = 2 * sam['nativeGrid'] - 1 if i in sam['globalBlocks'] else 2 * sam['windowSize'] - 1
        norm(b + 'norm1', d)
        lin(b + 'attn.qkv', 3 * d, d)
        lin(b + 'attn.proj', d, d)
        w[b + 'attn.rel_pos_h'] = randn(rows, hd, std=0.3)
        w[b + 'attn.rel_pos_w'] = randn(rows, hd, std=0.3)
        norm(b + 'norm2', d)
        lin(b + 'mlp.lin1', sam['mlpDim'], d)
        lin(b + 'mlp.lin2', d, sam['mlpDim'])
    nc = sam['neckChannels']
    w[s + 'neck.0.weight'] = randn(nc, d, 1, 1, std=1 / math.sqrt(d))
    norm(s + 'neck.1', nc)
    w[s + 'neck.2.weight'] = randn(nc, nc, 3, 3, std=1 / math.sqrt(9 * nc))
    norm(s + 'neck.3', nc)
    w[s + 'net_2.weight'] = randn(sam['net2Channels'], nc, 3, 3, std=1 / math.sqrt(9 * nc))
    w[s + 'net_3.weight'] = randn(sam['net3Channels'], sam['net2Channels'], 3, 3, std=1 / math.sqrt(9 * sam['net2Channels']))

    c = 'model.vision_model.'
    h = clip['hidden']
    w[c + 'embeddings.class_embedding'] = randn(h, std=0.5)
    w[c + 'embeddings.position_embedding.weight'] = randn(clip['nativeGrid'] ** 2 + 1, h, std=0.5)
    # Present in the real checkpoint but unused by DeepEncoder (SAM output replaces it).
    w[c + 'embeddings.patch_embedding.weight'] = randn(h, 3, 14, 14, std=0.01)
    norm(c + 'pre_layrnorm', h)
    for i in range(clip['depth']):
        b = f'{c}transformer.layers.{i}.'
        norm(b + 'layer_norm1', h)
        lin(b + 'self_attn.qkv_proj', 3 * h, h)
        lin(b + 'self_attn.out_proj', h, h)
        norm(b + 'layer_norm2', h)
        lin(b + 'mlp.fc1', clip['mlpDim'], h)
        lin(b + 'mlp.fc2', h, clip['mlpDim'])
    lin('model.projector.layers', cfg['projectorDim'], h + sam['net3Channels'])
    w['model.image_newline'] = randn(cfg['projectorDim'], std=1 / math.sqrt(cfg['projectorDim']))
    w['model.view_seperator'] = randn(cfg['projectorDim'], std=1 / math.sqrt(cfg['projectorDim']))
    # A language-model tensor the encoder must never read.
    w['model.layers.0.self_attn.q_proj.weight'] = randn(8, 8)
    return w


# Full-size DeepEncoder (config.ts DEEPENCODER_SAM / DEEPENCODER_CLIP); imageSize set per mode.
FULL_SEED = 401
FULL_MODES = {'tiny': 512, 'small': 640, 'base': 1024, 'large': 1280}


def full_config(image_size):
    return dict(
        imageSize=image_size,
        sam=dict(patchSize=16, embedDim=768, depth=12, heads=12, mlpDim=3072, windowSize=14, globalBlocks=[2, 5, 8, 11],
                 nativeGrid=64, neckChannels=256, net2Channels=512, net3Channels=1024, layerNormEps=1e-6),
        clip=dict(hidden=1024, depth=24, heads=16, mlpDim=4096, nativeGrid=16, layerNormEps=1e-5),
        projectorDim=1280,
    )


def make_full_weights(gen):
    """Full-size seeded weights, rounded to bf16 (returned as f32 holding bf16 values).

    Scales keep activations realistic through 12 + 24 blocks: matrices and convs N(0, 1/fan_in),
    so each branch has about unit gain and attention scores have std ~1 (softmax neither flat
    nor one-hot); norm weights 1 + N(0, 0.05), biases N(0, 0.02), rel-pos tables N(0, 0.1),
    position embeddings N(0, 0.3). Also holds four language-model tensors (the real checkpoint's
    names) that the encoder must never read.
    """
    cfg = full_config(1024)
    sam, clip = cfg['sam'], cfg['clip']
    w = {}

    def randn(*shape, std):
        return (torch.randn(*shape, generator=gen, dtype=torch.float32) * std).to(torch.bfloat16).float()

    def put(name, *shape, std, mean=0.0):
        w[name] = randn(*shape, std=std) if mean == 0.0 else (mean + torch.randn(*shape, generator=gen) * std).to(torch.bfloat16).float()

    def lin(prefix, out_f, in_f):
        put(prefix + '.weight', out_f, in_f, std=1 / math.sqrt(in_f))
        put(prefix + '.bias', out_f, std=0.02)

    def norm(prefix, n):
        put(prefix + '.weight', n, std=0.05, mean=1.0)
        put(prefix + '.bias', n, std=0.02)

    s = 'model.sam_model.'
    d, hd, p = sam['embedDim'], sam['embedDim'] // sam['heads'], sam['patchSize']
    put(s + 'pos_embed', 1, sam['nativeGrid'], sam['nativeGrid'], d, std=0.3)
    put(s + 'patch_embed.proj.weight', d, 3, p, p, std=1 / math.sqrt(3 * p * p))
    put(s + 'patch_embed.proj.bias', d, std=0.02)
    for i in range(sam['depth']):
        b = f'{s}blocks.{i}.'
        rows = 2 * sam['nativeGrid'] - 1 if i in sam['globalBlocks'] else 2 * sam['windowSize'] - 1
        norm(b + 'norm1', d)
        lin(b + 'attn.qkv', 3 * d, d)
        lin(b + 'attn.proj', d, d)
        put(b + 'attn.rel_pos_h', rows, hd, std=0.1)
        put(b + 'attn.rel_pos_w', rows, hd, std=0.1)
        norm(b + 'norm2', d)
        lin(b + 'mlp.lin1', sam['mlpDim'], d)
        lin(b + 'mlp.lin2', d, sam['mlpDim'])
    nc = sam['neckChannels']
    put(s + 'neck.0.weight', nc, d, 1, 1, std=1 / math.sqrt(d))
    norm(s + 'neck.1', nc)
    put(s + 'neck.2.weight', nc, nc, 3, 3, std=1 / math.sqrt(9 * nc))
    norm(s + 'neck.3', nc)
    put(s + 'net_2.weight', sam['net2Channels'], nc, 3, 3, std=1 / math.sqrt(9 * nc))
    put(s + 'net_3.weight', sam['net3Channels'], sam['net2Channels'], 3, 3, std=1 / math.sqrt(9 * sam['net2Channels']))

    c = 'model.vision_model.'
    h = clip['hidden']
    put(c + 'embeddings.class_embedding', h, std=0.3)
    put(c + 'embeddings.position_embedding.weight', clip['nativeGrid'] ** 2 + 1, h, std=0.3)
    put(c + 'embeddings.patch_embedding.weight', h, 3, 14, 14, std=0.02)  # in the checkpoint, unused
    norm(c + 'pre_layrnorm', h)
    for i in range(clip['depth']):
        b = f'{c}transformer.layers.{i}.'
        norm(b + 'layer_norm1', h)
        lin(b + 'self_attn.qkv_proj', 3 * h, h)
        lin(b + 'self_attn.out_proj', h, h)
        norm(b + 'layer_norm2', h)
        lin(b + 'mlp.fc1', clip['mlpDim'], h)
        lin(b + 'mlp.fc2', h, clip['mlpDim'])
    lin('model.projector.layers', cfg['projectorDim'], h + sam['net3Channels'])
    put('model.image_newline', cfg['projectorDim'], std=0.3)
    put('model.view_seperator', cfg['projectorDim'], std=0.3)
    # Language-model tensors (real names; shapes of DeepSeek-OCR's 1280-wide decoder, vocabulary
    # cut to keep the file small). NaN-filled: reading any of them would poison the tokens.
    for name, shape in [('model.layers.0.mlp.up_proj.weight', (6848, 1280)), ('model.embed_tokens.weight', (1024, 1280)),
                        ('lm_head.weight', (1024, 1280)), ('model.norm.weight', (1280,))]:
        w[name] = torch.full(shape, float('nan'))
    return w


def write_safetensors_bf16(path, tensors, metadata):
    """Checkpoint-style safetensors: every tensor BF16, names sorted, __metadata__ first."""
    header, offset = {'__metadata__': metadata}, 0
    for name in sorted(tensors):
        size = tensors[name].numel() * 2
        header[name] = {'dtype': 'BF16', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for name in sorted(tensors):
            bits = tensors[name].contiguous().to(torch.bfloat16).view(torch.int16).numpy()
            f.write(bits.astype('<i2').tobytes())


def make_full(out, modes):
    import time
    torch.manual_seed(FULL_SEED)
    gen = torch.Generator().manual_seed(FULL_SEED)
    started = time.time()
    w = make_full_weights(gen)
    encoder_params = sum(v.numel() for k, v in w.items() if k.startswith(('model.sam_model.', 'model.vision_model.', 'model.projector.', 'model.image_newline', 'model.view_seperator')))
    os.makedirs(out, exist_ok=True)
    write_safetensors_bf16(os.path.join(out, 'weights.safetensors'), w, {'format': 'pt'})
    print(f'full: {len(w)} tensors, {encoder_params} encoder parameters, weights written in {time.time() - started:.1f} s', flush=True)
    for mode in modes:
        size = FULL_MODES[mode]
        cfg = full_config(size)
        pixel_gen = torch.Generator().manual_seed(FULL_SEED + size)
        pixels = torch.rand(1, 3, size, size, generator=pixel_gen, dtype=torch.float64).float() * 2 - 1
        started = time.time()
        outputs = encode(pixels, w, cfg)
        target = os.path.join(out, mode)
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, 'config.json'), 'w') as f:
            json.dump(cfg, f, indent=2)
            f.write('\n')
        np.save(os.path.join(target, 'pixels.npy'), pixels.numpy().astype('<f4'))
        for key in ('tokens', 'sam-features', 'clip'):
            np.save(os.path.join(target, key + '.npy'), outputs[key].contiguous().numpy().astype('<f4'))
        tokens = outputs['tokens']
        print(f'full/{mode}: {size}x{size} -> tokens {tuple(tokens.shape)}, max |token| {tokens.abs().max().item():.4g}, '
              f'std {tokens.std().item():.4g}, finite {bool(torch.isfinite(tokens).all())}, torch forward {time.time() - started:.1f} s', flush=True)


# ---------------------------------------------------------------- model (own implementation)

def resize_grid_bicubic_aa(grid_nhwc, size):
    """[1, G, G, C] -> [1, size, size, C], bicubic, antialias, align_corners=False."""
    if grid_nhwc.shape[1] == size:
        return grid_nhwc
    x = grid_nhwc.permute(0, 3, 1, 2)
    x = F.interpolate(x, size=(size, size), mode='bicubic', antialias=True, align_corners=False)
    return x.permute(0, 2, 3, 1)


def rel_table(table, grid):
    rows = 2 * grid - 1
    if table.shape[0] != rows:
        table = F.interpolate(table.t()[None], size=rows, mode='linear', align_corners=False)[0].t()
    coords = torch.arange(grid)[:, None] - torch.arange(grid)[None, :] + grid - 1
    return table[coords]  # [grid (query), grid (key), hd]


def attention(qkv, heads, bias=None):
    """qkv [B, N, 3*dim] laid out [3][heads][hd]; bias [B, heads, N, N] or None."""
    bsz, n, _ = qkv.shape
    q, k, v = qkv.view(bsz, n, 3, heads, -1).permute(2, 0, 3, 1, 4)
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    if bias is not None:
        scores = scores + bias
    out = scores.softmax(-1) @ v  # [B, heads, N, hd]
    return out.permute(0, 2, 1, 3).reshape(bsz, n, -1)


def sam_block(x, i, w, cfg):
    sam = cfg['sam']
    b = f'model.sam_model.blocks.{i}.'
    d, heads = sam['embedDim'], sam['heads']
    grid = x.shape[1]
    shortcut = x
    x = F.layer_norm(x, (d,), w[b + 'norm1.weight'], w[b + 'norm1.bias'], sam['layerNormEps'])
    is_global = i in sam['globalBlocks']
    side = grid if is_global else sam['windowSize']
    if not is_global:
        pad = (side - grid % side) % side
        x = F.pad(x, (0, 0, 0, pad, 0, pad))
        n = (grid + pad) // side
        x = x.view(1, n, side, n, side, d).permute(0, 1, 3, 2, 4, 5).reshape(n * n, side, side, d)
    bsz = x.shape[0]
    qkv = F.linear(x.reshape(bsz, side * side, d), w[b + 'attn.qkv.weight'], w[b + 'attn.qkv.bias'])
    q = qkv.view(bsz, side * side, 3, heads, -1)[:, :, 0].permute(0, 2, 1, 3).reshape(bsz, heads, side, side, -1)
    rh = rel_table(w[b + 'attn.rel_pos_h'], side)
    rw = rel_table(w[b + 'attn.rel_pos_w'], side)
    rel_h = torch.einsum('bnhwc,hkc->bnhwk', q, rh)  # unscaled q
    rel_w = torch.einsum('bnhwc,wkc->bnhwk', q, rw)
    bias = (rel_h[..., :, None] + rel_w[..., None, :]).reshape(bsz, heads, side * side, side * side)
    out = F.linear(attention(qkv, heads, bias), w[b + 'attn.proj.weight'], w[b + 'attn.proj.bias'])
    out = out.view(bsz, side, side, d)
    if not is_global:
        n = (grid + (side - grid % side) % side) // side
        out = out.view(1, n, n, side, side, d).permute(0, 1, 3, 2, 4, 5).reshape(1, n * side, n * side, d)
        out = out[:, :grid, :grid]
    x = shortcut + out
    hidden = F.gelu(F.linear(F.layer_norm(x, (d,), w[b + 'norm2.weight'], w[b + 'norm2.bias'], sam['layerNormEps']),
                             w[b + 'mlp.lin1.weight'], w[b + 'mlp.lin1.bias']))
    return x + F.linear(hidden, w[b + 'mlp.lin2.weight'], w[b + 'mlp.lin2.bias'])


def layer_norm_2d(x_nchw, weight, bias, eps=1e-6):
    mean = x_nchw.mean(1, keepdim=True)
    var = (x_nchw - mean).pow(2).mean(1, keepdim=True)
    return weight[:, None, None] * (x_nchw - mean) / torch.sqrt(var + eps) + bias[:, None, None]


def sam_forward(pixels, w, cfg):
    sam = cfg['sam']
    s = 'model.sam_model.'
    x = F.conv2d(pixels, w[s + 'patch_embed.proj.weight'], w[s + 'patch_embed.proj.bias'], stride=sam['patchSize'])
    x = x.permute(0, 2, 3, 1)
    x = x + resize_grid_bicubic_aa(w[s + 'pos_embed'], x.shape[1])
    for i in range(sam['depth']):
        x = sam_block(x, i, w, cfg)
    blocks = x
    y = x.permute(0, 3, 1, 2)
    y = F.conv2d(y, w[s + 'neck.0.weight'])
    y = layer_norm_2d(y, w[s + 'neck.1.weight'], w[s + 'neck.1.bias'])
    y = F.conv2d(y, w[s + 'neck.2.weight'], padding=1)
    neck = layer_norm_2d(y, w[s + 'neck.3.weight'], w[s + 'neck.3.bias'])
    y = F.conv2d(neck, w[s + 'net_2.weight'], stride=2, padding=1)
    features = F.conv2d(y, w[s + 'net_3.weight'], stride=2, padding=1)  # [1, C, g, g]
    return blocks, neck, features


def clip_forward(sam_features, w, cfg):
    clip = cfg['clip']
    c = 'model.vision_model.'
    h = clip['hidden']
    patches = sam_features.flatten(2).transpose(1, 2)  # [1, g*g, C]
    x = torch.cat([w[c + 'embeddings.class_embedding'].view(1, 1, h), patches], dim=1)
    pos = w[c + 'embeddings.position_embedding.weight']
    grid = int(math.sqrt(patches.shape[1]))
    native = clip['nativeGrid']
    resized = resize_grid_bicubic_aa(pos[1:].view(1, native, native, h), grid).reshape(grid * grid, h)
    x = x + torch.cat([pos[:1], resized], dim=0)[None]
    x = F.layer_norm(x, (h,), w[c + 'pre_layrnorm.weight'], w[c + 'pre_layrnorm.bias'], clip['layerNormEps'])
    for i in range(clip['depth']):
        b = f'{c}transformer.layers.{i}.'
        qkv = F.linear(F.layer_norm(x, (h,), w[b + 'layer_norm1.weight'], w[b + 'layer_norm1.bias'], clip['layerNormEps']),
                       w[b + 'self_attn.qkv_proj.weight'], w[b + 'self_attn.qkv_proj.bias'])
        x = x + F.linear(attention(qkv, clip['heads']), w[b + 'self_attn.out_proj.weight'], w[b + 'self_attn.out_proj.bias'])
        hidden = F.linear(F.layer_norm(x, (h,), w[b + 'layer_norm2.weight'], w[b + 'layer_norm2.bias'], clip['layerNormEps']),
                          w[b + 'mlp.fc1.weight'], w[b + 'mlp.fc1.bias'])
        hidden = hidden * torch.sigmoid(1.702 * hidden)
        x = x + F.linear(hidden, w[b + 'mlp.fc2.weight'], w[b + 'mlp.fc2.bias'])
    return x


def encode(pixels, w, cfg):
    blocks, neck, features = sam_forward(pixels, w, cfg)
    clip_out = clip_forward(features, w, cfg)
    joined = torch.cat([clip_out[:, 1:], features.flatten(2).permute(0, 2, 1)], dim=-1)
    projected = F.linear(joined, w['model.projector.layers.weight'], w['model.projector.layers.bias'])[0]
    g = features.shape[-1]
    dim = projected.shape[-1]
    rows = torch.cat([projected.view(g, g, dim), w['model.image_newline'].view(1, 1, dim).expand(g, 1, dim)], dim=1)
    tokens = torch.cat([rows.reshape(-1, dim), w['model.view_seperator'].view(1, dim)], dim=0)
    return {
        'tokens': tokens,
        'sam-blocks': blocks[0],
        'neck': neck[0].permute(1, 2, 0),
        'sam-features': features[0].permute(1, 2, 0),
        'clip': clip_out[0],
    }


# ---------------------------------------------------------------- writers

def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--only', help='write only this configuration (also the opt-in ones)')
    parser.add_argument('--out', default=OUT_DIR, help='output folder (default: the committed fixtures)')
    parser.add_argument('--modes', default='tiny,base', help='with --only full: modes to compute (tiny,small,base,large)')
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    if args.only == 'full':
        if os.path.abspath(args.out).startswith(ROOT + os.sep):
            parser.error('--only full writes ~0.8 GB of weights: choose an --out outside the repository')
        make_full(args.out, [m for m in args.modes.split(',') if m])
        return
    every = {**CONFIGS, **EXTRA_CONFIGS}
    selected = {args.only: every[args.only]} if args.only else CONFIGS
    for name, cfg in selected.items():
        gen = torch.Generator().manual_seed(cfg['seed'])
        w = make_weights(cfg, gen)
        size = cfg['imageSize']
        pixels = torch.rand(1, 3, size, size, generator=gen, dtype=torch.float64).float() * 2 - 1
        outputs = encode(pixels, w, cfg)
        target = os.path.join(args.out, name)
        os.makedirs(target, exist_ok=True)
        config = {k: v for k, v in cfg.items() if k != 'seed'}
        with open(os.path.join(target, 'config.json'), 'w') as f:
            json.dump(config, f, indent=2)
            f.write('\n')
        write_safetensors(os.path.join(target, 'weights.bin'), w)
        np.save(os.path.join(target, 'pixels.npy'), pixels[0].numpy().astype('<f4'))
        for key, value in outputs.items():
            np.save(os.path.join(target, key + '.npy'), value.contiguous().numpy().astype('<f4'))
        print(name, {k: tuple(v.shape) for k, v in outputs.items()})


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Regenerates the ONNX importer's test fixtures in Inputs/ next to this file.

Small PyTorch attention blocks are exported to ONNX with torch.onnx.export
(static shapes, constant folding on), and their inputs and PyTorch's outputs
are written as .npy files, so that the importer can be tested without PyTorch.

Needs Debian's PyTorch and ONNX (Debian 12: torch 1.13.1, onnx 1.12):

    apt-get install python3-torch python3-onnx

Run it with Debian's Python, from anywhere:

    /usr/bin/python3 test/Frontend/ONNX/make_fixtures.py

For each fixture NAME it (re)writes

    Inputs/NAME/model.onnx
    Inputs/NAME/in/<graph input name>.npy     float32, random normal
    Inputs/NAME/out/<graph output name>.npy   float32, PyTorch's outputs

and also Inputs/bad/*.onnx (models the importer must reject) and
Inputs/MANIFEST.md (inputs, outputs, opset, op types and attention of each
fixture, read back from the exported files). Seeds are fixed, so a rerun with
the same PyTorch gives the same files. `--only NAME...` regenerates just
those fixtures (the manifest still covers all of them).
"""

import argparse
import collections
import math
import shutil
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "Inputs"

B = 2  # batch, everywhere
E = 32  # embedding
H = 4  # heads
NEG_INF = float("-inf")

# Op types the importer is meant to support; anything else is reported.
SUPPORTED_OPS = set(
    """MatMul Gemm Add Sub Mul Div Pow Sqrt Reciprocal Neg Exp Log Tanh Erf
    Sigmoid Relu Elu Gelu Softmax LogSoftmax ReduceSum ReduceMean ReduceMax
    LayerNormalization Transpose Reshape Flatten Squeeze Unsqueeze Concat Split
    Slice Gather Expand Tile Where Equal Less Greater Not And Cast Constant
    ConstantOfShape Shape Identity Trilu Range Min Max Clip""".split()
)


def seed_for(name, salt):
    return zlib.crc32(f"{name}/{salt}".encode()) & 0x7FFFFFFF


def causal_neg_inf(n):
    """[n, n] float, 0 on and below the diagonal, -inf above."""
    return torch.triu(torch.full((n, n), NEG_INF), 1)


def causal_keep(n):
    """[n, n] bool, True where key m <= query n."""
    return torch.tril(torch.ones(n, n, dtype=torch.bool))


# ---------------------------------------------------------------------------
# Modules with projections (inputs [B, N, E]).


class MHASelf(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(E, H, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class MHACross(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(E, H, batch_first=True)

    def forward(self, query, memory):
        return self.attn(query, memory, memory, need_weights=False)[0]


class MHACausal(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(E, H, batch_first=True)

    def forward(self, x):
        n = x.shape[1]
        mask = torch.triu(torch.full((n, n), float("-inf")), 1)
        return self.attn(x, x, x, attn_mask=mask, need_weights=False)[0]


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(
            d_model=E, nhead=H, dim_feedforward=64, dropout=0.0, batch_first=True
        )

    def forward(self, x):
        return self.layer(x)


class EncoderLayerGeluCausal(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(
            d_model=E,
            nhead=H,
            dim_feedforward=64,
            dropout=0.0,
            activation="gelu",
            norm_first=True,
            batch_first=True,
        )

    def forward(self, x):
        n = x.shape[1]
        # Boolean mask: True = the key is not attended to.
        mask = torch.triu(torch.ones(n, n, dtype=torch.bool), 1)
        return self.layer(x, src_mask=mask)


class GPTBlock(nn.Module):
    """Pre-LN GPT block (nanoGPT style)."""

    def __init__(self, n_ctx):
        super().__init__()
        self.n_head = H
        self.ln_1 = nn.LayerNorm(E)
        self.c_attn = nn.Linear(E, 3 * E)
        self.c_proj = nn.Linear(E, E)
        self.ln_2 = nn.LayerNorm(E)
        self.c_fc = nn.Linear(E, 4 * E)
        self.gelu = nn.GELU()  # erf form
        self.mlp_proj = nn.Linear(4 * E, E)
        self.register_buffer(
            "bias", torch.tril(torch.ones(n_ctx, n_ctx)).view(1, 1, n_ctx, n_ctx)
        )

    def attn(self, x):
        b, n, c = x.size()
        d = c // self.n_head
        q, k, v = self.c_attn(x).split(c, dim=2)
        q = q.view(b, n, self.n_head, d).transpose(1, 2)
        k = k.view(b, n, self.n_head, d).transpose(1, 2)
        v = v.view(b, n, self.n_head, d).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d)
        att = att.masked_fill(self.bias[:, :, :n, :n] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(b, n, c)
        return self.c_proj(y)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))
        return x


class GQABlock(nn.Module):
    """Causal grouped-query attention: 8 query heads, 2 kv heads, D = 8."""

    def __init__(self, n_ctx, expand_style):
        super().__init__()
        self.hq, self.hkv, self.d = 8, 2, 8
        self.expand_style = expand_style
        self.q_proj = nn.Linear(E, self.hq * self.d)
        self.k_proj = nn.Linear(E, self.hkv * self.d)
        self.v_proj = nn.Linear(E, self.hkv * self.d)
        self.o_proj = nn.Linear(self.hq * self.d, E)
        self.register_buffer("mask", causal_keep(n_ctx))

    def expand_kv(self, t):
        b, hkv, n, d = t.shape
        g = self.hq // self.hkv
        if self.expand_style == "repeat_interleave":
            return t.repeat_interleave(g, dim=1)
        return t[:, :, None].expand(b, hkv, g, n, d).reshape(b, self.hq, n, d)

    def forward(self, x):
        b, n, _ = x.shape
        q = self.q_proj(x).view(b, n, self.hq, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, n, self.hkv, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, n, self.hkv, self.d).transpose(1, 2)
        k = self.expand_kv(k)
        v = self.expand_kv(v)
        q = q * self.d**-0.5
        scores = q @ k.transpose(-2, -1)
        scores = torch.where(self.mask, scores, torch.tensor(float("-inf")))
        p = torch.softmax(scores, dim=-1)
        y = (p @ v).transpose(1, 2).reshape(b, n, self.hq * self.d)
        return self.o_proj(y)


# ---------------------------------------------------------------------------
# Variants on q, k, v given directly as [B, H, N, D] inputs.


class SigmoidAttn(nn.Module):
    def forward(self, q, k, v):
        m, d = k.shape[-2], q.shape[-1]
        bias = -math.log(m)
        return torch.sigmoid(q @ k.transpose(-2, -1) * d**-0.5 + bias) @ v


class SoftcapAttn(nn.Module):
    cap = 5.0

    def forward(self, q, k, v):
        d = q.shape[-1]
        s = q @ k.transpose(-2, -1) * d**-0.5
        s = self.cap * torch.tanh(s / self.cap)
        return torch.softmax(s, dim=-1) @ v


class AlibiAttn(nn.Module):
    def forward(self, q, k, v):
        h, n, d = q.shape[1], q.shape[2], q.shape[3]
        m = k.shape[2]
        slopes = torch.tensor([2.0 ** (-8.0 * (i + 1) / h) for i in range(h)])
        rel = (torch.arange(n)[:, None] - torch.arange(m)[None, :]).abs().float()
        bias = (-slopes[:, None, None] * rel).unsqueeze(0)  # [1, H, N, M]
        causal = torch.triu(torch.full((n, m), float("-inf")), 1)
        s = q @ k.transpose(-2, -1) * d**-0.5 + bias + causal
        return torch.softmax(s, dim=-1) @ v


class GatedAttn(nn.Module):
    def forward(self, q, k, v, g):
        d = q.shape[-1]
        p = torch.softmax(q @ k.transpose(-2, -1) * d**-0.5, dim=-1)
        return (p @ v) * torch.sigmoid(g)


class WindowAttn(nn.Module):
    window = 3

    def __init__(self, n, m):
        super().__init__()
        i = torch.arange(n)[:, None]
        j = torch.arange(m)[None, :]
        keep = (j <= i) & (j >= i - self.window)
        self.register_buffer("mask", torch.where(keep, 0.0, -1e9))

    def forward(self, q, k, v):
        d = q.shape[-1]
        s = q @ k.transpose(-2, -1) * d**-0.5 + self.mask
        return torch.softmax(s, dim=-1) @ v


class DenseMaskAttn(nn.Module):
    def __init__(self, n, m, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        masked = rng.random((n, m)) < 0.5  # True = masked out
        for row in range(n):  # every row keeps at least one key
            if masked[row].all():
                masked[row, rng.integers(m)] = False
        self.register_buffer("masked", torch.from_numpy(masked))

    def forward(self, q, k, v):
        d = q.shape[-1]
        s = q @ k.transpose(-2, -1) * d**-0.5
        s = s.masked_fill(self.masked, float("-inf"))
        return torch.softmax(s, dim=-1) @ v


def phi(x):
    return F.elu(x) + 1.0


class LinearAttn(nn.Module):
    def forward(self, q, k, v):
        fq, fk = phi(q), phi(k)
        kv = fk.transpose(-2, -1) @ v  # [B, H, D, D]
        num = fq @ kv  # [B, H, N, D]
        den = fq @ fk.sum(dim=-2).unsqueeze(-1)  # [B, H, N, 1]
        return num / den


class CausalLinearAttn(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("tril", torch.tril(torch.ones(n, n)))

    def forward(self, q, k, v):
        a = phi(q) @ phi(k).transpose(-2, -1) * self.tril
        return a @ v


# ---------------------------------------------------------------------------
# Fixture table: name -> (module factory, {input: shape}, [outputs], opset,
# input scale, description).

Fixture = collections.namedtuple(
    "Fixture", "name make inputs outputs opset scale attention"
)


def qkv(n=9, m=9, h=H, d=8):
    return {"q": (B, h, n, d), "k": (B, h, m, d), "v": (B, h, m, d)}


FIXTURES = [
    Fixture(
        "mha_self", MHASelf, {"x": (B, 11, E)}, ["y"], 14, 1.0,
        "nn.MultiheadAttention self-attention, softmax, no mask; "
        "B=2, Hq=4, Hkv=4, N=11, M=11, D=8",
    ),
    Fixture(
        "mha_cross", MHACross, {"query": (B, 7, E), "memory": (B, 13, E)},
        ["y"], 13, 1.0,
        "nn.MultiheadAttention cross-attention (key = value = memory), "
        "softmax, no mask; B=2, Hq=4, Hkv=4, N=7, M=13, D=8",
    ),
    Fixture(
        "mha_causal", MHACausal, {"x": (B, 11, E)}, ["y"], 14, 1.0,
        "nn.MultiheadAttention self-attention, softmax, causal additive float "
        "attn_mask (triu of -inf, built in forward); "
        "B=2, Hq=4, Hkv=4, N=11, M=11, D=8",
    ),
    Fixture(
        "encoder_layer", EncoderLayer, {"x": (B, 11, E)}, ["y"], 14, 1.0,
        "nn.TransformerEncoderLayer (post-LN, ReLU FFN 32->64->32), "
        "self-attention, softmax, no mask; B=2, Hq=4, Hkv=4, N=11, M=11, D=8",
    ),
    Fixture(
        "encoder_layer_gelu_causal", EncoderLayerGeluCausal, {"x": (B, 11, E)},
        ["y"], 17, 1.0,
        "nn.TransformerEncoderLayer (pre-LN, GELU FFN 32->64->32), "
        "self-attention, softmax, causal boolean src_mask (built in forward); "
        "B=2, Hq=4, Hkv=4, N=11, M=11, D=8",
    ),
    Fixture(
        "gpt_block", lambda: GPTBlock(13), {"x": (B, 13, E)}, ["y"], 14, 1.0,
        "hand-written pre-LN GPT block (fused qkv Linear, split, scale by Div "
        "sqrt(D), masked_fill(-inf) with a causal tril buffer, GELU-erf MLP "
        "32->128->32); B=2, Hq=4, Hkv=4, N=13, M=13, D=8",
    ),
    Fixture(
        "gqa_block", lambda: GQABlock(9, "repeat_interleave"), {"x": (B, 9, E)},
        ["y"], 14, 1.0,
        "grouped-query causal attention, K/V expanded by repeat_interleave(4, "
        "dim=1), q scaled by D^-0.5 (Mul), causal via where(bool mask, s, -inf); "
        "B=2, Hq=8, Hkv=2, N=9, M=9, D=8",
    ),
    Fixture(
        "gqa_expand", lambda: GQABlock(9, "expand"), {"x": (B, 9, E)}, ["y"],
        14, 1.0,
        "grouped-query causal attention, K/V expanded by [:, :, None].expand"
        "(B, Hkv, 4, N, D).reshape(B, Hq, N, D), q scaled by D^-0.5 (Mul), "
        "causal via where(bool mask, s, -inf); B=2, Hq=8, Hkv=2, N=9, M=9, D=8",
    ),
    Fixture(
        "sigmoid_attn", SigmoidAttn, qkv(), ["out"], 14, 1.0,
        "sigmoid attention: sigmoid(q k^T * D^-0.5 - log(M)) v, no mask, "
        "no normalization; B=2, Hq=4, Hkv=4, N=9, M=9, D=8",
    ),
    Fixture(
        "softcap_attn", SoftcapAttn, qkv(), ["out"], 17, 3.0,
        "softmax attention with logit softcap 5 * tanh(s / 5), no mask, "
        "inputs ~ N(0, 3^2); B=2, Hq=4, Hkv=4, N=9, M=9, D=8",
    ),
    Fixture(
        "alibi_attn", AlibiAttn, qkv(), ["out"], 14, 1.0,
        "softmax attention + ALiBi bias -slope[h] * |n - m| (slopes "
        "2^(-8(h+1)/H), [1, H, N, M], built in forward) + causal additive -inf; "
        "B=2, Hq=4, Hkv=4, N=9, M=9, D=8",
    ),
    Fixture(
        "gated_attn", GatedAttn, {**qkv(), "g": (B, H, 9, 8)}, ["out"], 14, 1.0,
        "softmax attention, no mask, output gated by sigmoid(g) (g a fourth "
        "input [B, H, N, D]); B=2, Hq=4, Hkv=4, N=9, M=9, D=8",
    ),
    Fixture(
        "window_attn", lambda: WindowAttn(12, 12), qkv(12, 12), ["out"], 14, 1.0,
        "softmax attention, causal sliding window 3 (key m kept iff "
        "n-3 <= m <= n) as a constant additive mask of -1e9; "
        "B=2, Hq=4, Hkv=4, N=12, M=12, D=8",
    ),
    Fixture(
        "dense_mask_attn",
        lambda: DenseMaskAttn(9, 10, seed_for("dense_mask_attn", "mask")),
        qkv(9, 10), ["out"], 14, 1.0,
        "softmax cross-attention with a constant random boolean [N, M] mask "
        "(masked_fill -inf; each row keeps >= 1 key); "
        "B=2, Hq=4, Hkv=4, N=9, M=10, D=8",
    ),
    Fixture(
        "linear_attn", LinearAttn, qkv(), ["out"], 13, 1.0,
        "non-causal linear attention, feature map elu(x)+1: "
        "phi(q) (phi(k)^T v) / (phi(q) sum_m phi(k)); "
        "B=2, Hq=4, Hkv=4, N=9, M=9, D=8",
    ),
    Fixture(
        "causal_linear_attn", lambda: CausalLinearAttn(9), qkv(), ["out"], 14,
        1.0,
        "causal linear attention, unnormalized: (phi(q) phi(k)^T * tril) v "
        "with phi = elu+1 and a constant tril buffer; "
        "B=2, Hq=4, Hkv=4, N=9, M=9, D=8",
    ),
]


# ---------------------------------------------------------------------------
# A small numpy evaluator for the op types the fixtures use (onnx 1.12 has no
# onnx.reference and Debian has no onnxruntime). It checks that each exported
# graph computes PyTorch's outputs and gives every tensor's concrete shape.


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _opt(ins, i):
    return ins[i] if len(ins) > i and ins[i] is not None else None


def _axes(node, ins, a, idx):
    if _opt(ins, idx) is not None:
        return [int(x) for x in ins[idx]]
    return a.get("axes")


def _div(x, y):
    if np.issubdtype(x.dtype, np.integer):
        return np.trunc(x / y).astype(x.dtype)
    return np.divide(x, y)


def _reshape(x, shape, allowzero):
    shape = [int(s) for s in shape]
    if not allowzero:
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _slice(x, starts, ends, axes, steps):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        idx[int(a)] = slice(int(s), int(e), int(st))
    return x[tuple(idx)]


def _split(x, node, ins, a):
    axis = a.get("axis", 0)
    sizes = _opt(ins, 1)
    sizes = a.get("split") if sizes is None else [int(s) for s in sizes]
    if sizes is None:
        n = len(node.output)
        sizes = [x.shape[axis] // n] * n
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def _softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _layer_norm(x, scale, bias, axis, eps):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps) * scale
    return y if bias is None else y + bias


def _trilu(x, k, upper):
    k = 0 if k is None else int(k)
    return np.triu(x, k) if upper else np.tril(x, k)


def _gemm(a, b, c, at):
    a = a.T if at.get("transA", 0) else a
    b = b.T if at.get("transB", 0) else b
    y = at.get("alpha", 1.0) * (a @ b)
    return y if c is None else y + at.get("beta", 1.0) * c


_erf = np.vectorize(math.erf, otypes=[np.float64])

_OPS = {
    "Abs": lambda n, i, a: np.abs(i[0]),
    "Add": lambda n, i, a: i[0] + i[1],
    "Sub": lambda n, i, a: i[0] - i[1],
    "Mul": lambda n, i, a: i[0] * i[1],
    "Div": lambda n, i, a: _div(i[0], i[1]),
    "Pow": lambda n, i, a: np.power(i[0], i[1]).astype(i[0].dtype),
    "Sqrt": lambda n, i, a: np.sqrt(i[0]),
    "Neg": lambda n, i, a: -i[0],
    "Reciprocal": lambda n, i, a: 1 / i[0],
    "Exp": lambda n, i, a: np.exp(i[0]),
    "Log": lambda n, i, a: np.log(i[0]),
    "Tanh": lambda n, i, a: np.tanh(i[0]),
    "Erf": lambda n, i, a: _erf(i[0]).astype(i[0].dtype),
    "Sigmoid": lambda n, i, a: 1 / (1 + np.exp(-i[0])),
    "Relu": lambda n, i, a: np.maximum(i[0], 0),
    "Elu": lambda n, i, a: np.where(
        i[0] > 0, i[0], a.get("alpha", 1.0) * (np.exp(i[0]) - 1)
    ).astype(i[0].dtype),
    "MatMul": lambda n, i, a: np.matmul(i[0], i[1]),
    "Gemm": lambda n, i, a: _gemm(i[0], i[1], _opt(i, 2), a),
    "Softmax": lambda n, i, a: _softmax(i[0], a.get("axis", -1)),
    "LayerNormalization": lambda n, i, a: _layer_norm(
        i[0], i[1], _opt(i, 2), a.get("axis", -1), a.get("epsilon", 1e-5)
    ),
    "ReduceMean": lambda n, i, a: np.mean(
        i[0], axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1))
    ),
    "ReduceSum": lambda n, i, a: np.sum(
        i[0], axis=tuple(_axes(n, i, a, 1)), keepdims=bool(a.get("keepdims", 1))
    ),
    "Transpose": lambda n, i, a: np.transpose(i[0], a.get("perm")),
    "Reshape": lambda n, i, a: _reshape(i[0], i[1], a.get("allowzero", 0)),
    "Unsqueeze": lambda n, i, a: np.expand_dims(i[0], tuple(_axes(n, i, a, 1))),
    "Squeeze": lambda n, i, a: np.squeeze(i[0], tuple(_axes(n, i, a, 1))),
    "Concat": lambda n, i, a: np.concatenate(i, axis=a["axis"]),
    "Split": lambda n, i, a: _split(i[0], n, i, a),
    "Slice": lambda n, i, a: _slice(i[0], i[1], i[2], _opt(i, 3), _opt(i, 4)),
    "Gather": lambda n, i, a: np.take(i[0], i[1], axis=a.get("axis", 0)),
    "Expand": lambda n, i, a: np.broadcast_to(
        i[0], np.broadcast_shapes(i[0].shape, tuple(int(s) for s in i[1]))
    ).copy(),
    "Where": lambda n, i, a: np.where(i[0], i[1], i[2]),
    "Equal": lambda n, i, a: np.equal(i[0], i[1]),
    "Cast": lambda n, i, a: i[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]]),
    "Constant": lambda n, i, a: numpy_helper.to_array(a["value"]),
    "ConstantOfShape": lambda n, i, a: np.full(
        tuple(int(s) for s in i[0]),
        numpy_helper.to_array(a["value"])[0] if "value" in a else np.float32(0),
    ),
    "Shape": lambda n, i, a: np.array(
        i[0].shape[a.get("start", 0) : a.get("end", None)], dtype=np.int64
    ),
    "Identity": lambda n, i, a: i[0],
    "Trilu": lambda n, i, a: _trilu(i[0], _opt(i, 1), a.get("upper", 1)),
}


def evaluate(model, feeds):
    """Runs the graph on numpy inputs; returns (outputs, {tensor: array})."""
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        ins = [env[x] if x else None for x in node.input]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            res = _OPS[node.op_type](node, ins, _attrs(node))
        res = res if isinstance(res, tuple) else (res,)
        for name, r in zip(node.output, res):
            env[name] = np.asarray(r)
    return [env[o.name] for o in model.graph.output], env


# ---------------------------------------------------------------------------
# Export and checks.


def non_static_tensors(model, env):
    """Names of the graph's tensors whose shape ONNX shape inference (with
    data propagation) leaves not fully static: unknown rank, a dim that is not
    a number, or no type at all. Where it does give a static shape, the shape
    must be the one the evaluator computed (env)."""
    inferred = onnx.shape_inference.infer_shapes(
        model, strict_mode=True, data_prop=True
    )
    g = inferred.graph
    infos = {}
    for vi in list(g.input) + list(g.output) + list(g.value_info):
        infos[vi.name] = vi
    bad = []
    names = [i.name for i in g.input] + [o for n in g.node for o in n.output]
    for name in dict.fromkeys(names):
        if not name:
            continue
        vi = infos.get(name)
        if vi is None:
            bad.append(f"{name} (no shape)")
            continue
        tt = vi.type.tensor_type
        if not tt.HasField("shape"):
            bad.append(f"{name} (unknown rank)")
            continue
        if any(not d.HasField("dim_value") for d in tt.shape.dim):
            bad.append(f"{name} {shape_str(vi)}")
            continue
        dims = tuple(d.dim_value for d in tt.shape.dim)
        assert dims == env[name].shape, (name, dims, env[name].shape)
    return bad


def shape_str(vi):
    dims = []
    for d in vi.type.tensor_type.shape.dim:
        dims.append(str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?"))
    return "[" + ", ".join(dims) + "]"


def elem_type_str(vi):
    return TensorProto.DataType.Name(vi.type.tensor_type.elem_type).lower()


def op_counts(model):
    return collections.Counter(n.op_type for n in model.graph.node)


def export_fixture(fx):
    out_dir = INPUTS / fx.name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "in").mkdir(parents=True)
    (out_dir / "out").mkdir()

    torch.manual_seed(seed_for(fx.name, "params"))
    np.random.seed(seed_for(fx.name, "inputs"))
    model = fx.make().eval()
    # Keep the parameters requiring grad and grad enabled, so that
    # nn.MultiheadAttention / nn.TransformerEncoderLayer take their ordinary
    # (traceable) path rather than the fused inference fast path.
    for p in model.parameters():
        p.requires_grad_(True)

    arrays = {
        name: (np.random.standard_normal(shape) * fx.scale).astype(np.float32)
        for name, shape in fx.inputs.items()
    }
    args = tuple(torch.from_numpy(a) for a in arrays.values())

    with torch.enable_grad():
        outs = model(*args)
    outs = outs if isinstance(outs, tuple) else (outs,)
    outs = [o.detach().numpy().astype(np.float32) for o in outs]
    assert len(outs) == len(fx.outputs), fx.name
    for o in outs:
        assert np.isfinite(o).all(), f"{fx.name}: non-finite reference output"

    path = out_dir / "model.onnx"
    with torch.enable_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            args,
            str(path),
            input_names=list(fx.inputs),
            output_names=list(fx.outputs),
            opset_version=fx.opset,
            do_constant_folding=True,
            keep_initializers_as_inputs=False,
        )

    m = onnx.load(str(path))
    onnx.checker.check_model(m, full_check=True)
    init_names = {t.name for t in m.graph.initializer}
    graph_in = [i.name for i in m.graph.input]
    graph_out = [o.name for o in m.graph.output]
    assert not (set(graph_in) & init_names), f"{fx.name}: initializer as input"
    assert graph_in == list(fx.inputs), (fx.name, graph_in)
    assert graph_out == list(fx.outputs), (fx.name, graph_out)
    opset = {o.domain: o.version for o in m.opset_import}
    assert opset.get("", opset.get("ai.onnx")) == fx.opset, (fx.name, opset)

    for vi, (name, a) in zip(m.graph.input, arrays.items()):
        assert shape_str(vi) == "[" + ", ".join(map(str, a.shape)) + "]", name
        np.save(out_dir / "in" / f"{vi.name}.npy", a)
    for vi, o in zip(m.graph.output, outs):
        assert shape_str(vi) == "[" + ", ".join(map(str, o.shape)) + "]", vi.name
        np.save(out_dir / "out" / f"{vi.name}.npy", o)

    # The npy file names read back must be the graph's names.
    assert sorted(p.stem for p in (out_dir / "in").glob("*.npy")) == sorted(graph_in)
    assert sorted(p.stem for p in (out_dir / "out").glob("*.npy")) == sorted(graph_out)

    # The exported graph computes PyTorch's outputs.
    got, env = evaluate(m, arrays)
    for name, g, o in zip(graph_out, got, outs):
        assert g.dtype == np.float32 and g.shape == o.shape, (fx.name, name)
        err = float(np.max(np.abs(g - o)))
        assert np.allclose(g, o, rtol=1e-4, atol=1e-5), (fx.name, name, err)
    return m, env


# ---------------------------------------------------------------------------
# Bad inputs.


def make_bad(mha_self_path):
    bad_dir = INPUTS / "bad"
    if bad_dir.exists():
        shutil.rmtree(bad_dir)
    bad_dir.mkdir(parents=True)
    rng = np.random.default_rng(seed_for("bad", "weights"))
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    written = []

    # MatMul followed by an LSTM (outside the supported op list).
    seq, batch, feat, hidden = 5, 2, 8, 4
    nodes = [
        helper.make_node("MatMul", ["x", "w_in"], ["h"], name="proj"),
        helper.make_node(
            "LSTM", ["h", "W", "R"], ["Y"], name="my_lstm", hidden_size=hidden
        ),
    ]
    inits = [
        numpy_helper.from_array(f32(feat, feat), "w_in"),
        numpy_helper.from_array(f32(1, 4 * hidden, feat), "W"),
        numpy_helper.from_array(f32(1, 4 * hidden, hidden), "R"),
    ]
    graph = helper.make_graph(
        nodes,
        "unsupported_op",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [seq, batch, feat])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [seq, 1, batch, hidden])],
        inits,
    )
    written.append(save_bad(graph, bad_dir / "unsupported_op.onnx"))

    # A symbolic batch dim that flows through Shape into a Reshape.
    nodes = [
        helper.make_node("Shape", ["x"], ["x_shape"], name="shape"),
        helper.make_node("Gather", ["x_shape", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch_1d"], name="unsqueeze"),
        helper.make_node("Concat", ["batch_1d", "feat"], ["new_shape"], name="concat", axis=0),
        helper.make_node("Reshape", ["x", "new_shape"], ["x_flat"], name="reshape"),
        helper.make_node("MatMul", ["x_flat", "w"], ["y"], name="matmul"),
    ]
    inits = [
        numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0"),
        numpy_helper.from_array(np.array([32], dtype=np.int64), "feat"),
        numpy_helper.from_array(f32(32, 16), "w"),
    ]
    graph = helper.make_graph(
        nodes,
        "dynamic_dim",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 16])],
        inits,
    )
    written.append(save_bad(graph, bad_dir / "dynamic_dim.onnx"))

    # The first half of a valid model's bytes.
    data = mha_self_path.read_bytes()
    path = bad_dir / "truncated.onnx"
    path.write_bytes(data[: len(data) // 2])
    written.append(path)

    # Text that is not a protobuf.
    text = b"This is not an ONNX model, just plain text to make the parser fail. "
    path = bad_dir / "garbage.onnx"
    path.write_bytes((text * 4)[:200])
    written.append(path)

    for p in written[2:]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                onnx.load(str(p))
        except Exception:
            continue
        raise AssertionError(f"{p} unexpectedly parses")
    return written


def save_bad(graph, path):
    model = helper.make_model(
        graph,
        producer_name="make_fixtures.py",
        opset_imports=[helper.make_opsetid("", 14)],
    )
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))
    return path


# ---------------------------------------------------------------------------
# Manifest.


def manifest_entry(fx, m, env):
    lines = [f"## {fx.name}", ""]
    opset = {o.domain: o.version for o in m.opset_import}
    lines.append(f"- opset: {opset.get('', opset.get('ai.onnx'))}")
    lines.append(f"- attention: {fx.attention}")
    ins = ", ".join(
        f"`{i.name}` {elem_type_str(i)}{shape_str(i)}" for i in m.graph.input
    )
    outs = ", ".join(
        f"`{o.name}` {elem_type_str(o)}{shape_str(o)}" for o in m.graph.output
    )
    lines.append(f"- inputs: {ins}")
    lines.append(f"- outputs: {outs}")
    counts = op_counts(m)
    ops = ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))
    lines.append(f"- ops ({sum(counts.values())} nodes): {ops}")
    extra = sorted(set(counts) - SUPPORTED_OPS)
    lines.append(f"- ops outside the supported list: {', '.join(extra) or 'none'}")
    ns = non_static_tensors(m, env)
    lines.append(
        "- tensors whose shape onnx shape inference (data_prop) leaves "
        "non-static: " + (", ".join(f"`{s}`" for s in ns) if ns else "none")
        + " (all shapes are static when evaluated: nothing is data-dependent)"
    )
    n_init = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    lines.append(f"- initializers: {len(m.graph.initializer)} ({n_init} elements)")
    lines.append("")
    return lines


def bad_entries():
    return [
        "## bad/",
        "",
        "Models the importer must reject with a diagnostic (opset 14, written "
        "with onnx.helper):",
        "",
        "- `bad/unsupported_op.onnx`: x[5, 2, 8] -> MatMul (`proj`) -> LSTM "
        "named `my_lstm` (hidden 4) -> Y[5, 1, 2, 4]; LSTM is not supported.",
        "- `bad/dynamic_dim.onnx`: x['batch', 4, 8]; Shape -> Gather(0) -> "
        "Unsqueeze -> Concat([batch, 32]) -> Reshape -> MatMul(w[32, 16]) -> "
        "y['batch', 16]; the reshape target depends on the symbolic dim.",
        "- `bad/truncated.onnx`: the first half of the bytes of "
        "`mha_self/model.onnx` (not a parseable protobuf).",
        "- `bad/garbage.onnx`: 200 bytes of plain text.",
        "",
    ]


def write_manifest(models):
    lines = [
        "# ONNX importer fixtures",
        "",
        "Generated by `../make_fixtures.py` (torch "
        f"{torch.__version__}, onnx {onnx.__version__}); do not edit by hand. "
        "Each `NAME/` holds `model.onnx` (torch.onnx.export, static shapes, "
        "constant folding), `in/<input>.npy` (float32, random normal, fixed "
        "seed) and `out/<output>.npy` (PyTorch's float32 outputs). "
        "Shapes are [batch, seq, embed] for blocks with projections and "
        "[B, H, N, D] for the q/k/v variants; Hq / Hkv are query / key-value "
        "heads, N / M query / key lengths, D the head dim.",
        "",
    ]
    for fx, m, env in models:
        lines += manifest_entry(fx, m, env)
    lines += bad_entries()
    (INPUTS / "MANIFEST.md").write_text("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="fixture names to regenerate")
    ns = ap.parse_args()
    todo = [f for f in FIXTURES if not ns.only or f.name in ns.only]
    if ns.only and len(todo) != len(ns.only):
        known = ", ".join(f.name for f in FIXTURES)
        ap.error(f"unknown fixture among {ns.only}; known: {known}")

    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    INPUTS.mkdir(exist_ok=True)
    for fx in todo:
        m, _ = export_fixture(fx)
        counts = op_counts(m)
        extra = sorted(set(counts) - SUPPORTED_OPS)
        print(
            f"{fx.name}: opset {fx.opset}, {sum(counts.values())} nodes"
            + (f", unsupported: {extra}" if extra else "")
        )
    mha_self = INPUTS / "mha_self" / "model.onnx"
    if mha_self.exists():
        for p in make_bad(mha_self):
            print(f"bad: {p.relative_to(INPUTS)}")

    # The manifest covers every fixture on disk, read back from its files.
    models = []
    for fx in FIXTURES:
        d = INPUTS / fx.name
        if not (d / "model.onnx").exists():
            print(f"warning: {fx.name} not generated; run without --only")
            continue
        m = onnx.load(str(d / "model.onnx"))
        feeds = {i.name: np.load(d / "in" / f"{i.name}.npy") for i in m.graph.input}
        _, env = evaluate(m, feeds)
        models.append((fx, m, env))
    write_manifest(models)
    print(f"wrote {INPUTS / 'MANIFEST.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

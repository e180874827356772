"""Building blocks shared by exercise modules: random inputs and the usual ban lists."""

from __future__ import annotations

import torch

from grader.exercise import Bans


def randn(
    generator: torch.Generator, *shape: int, dtype: torch.dtype = torch.float32, scale: float = 1.0
) -> torch.Tensor:
    """Standard-normal values (times ``scale``) from the per-submission generator."""
    return (torch.randn(shape, generator=generator, dtype=torch.float64) * scale).to(dtype)


def rand_int(generator: torch.Generator, low: int, high: int) -> int:
    """An int in [low, high] from the per-submission generator."""
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def positive(generator: torch.Generator, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Values in [0.1, 2.1)."""
    return (torch.rand(shape, generator=generator, dtype=torch.float64) * 2 + 0.1).to(dtype)


# Matrix products at every level: the Python names students reach for, and the aten ops that
# any route to a BLAS product ends in (torch.einsum, tensordot, F.linear, @ ... all decompose
# into these), so a dynamic lookup is caught at run time as well.
MATRIX_PRODUCT_BANS = Bans(
    names=frozenset(
        {
            "@",
            "torch.dot",
            "torch.inner",
            "torch.matmul",
            "torch.mm",
            "torch.mv",
            "torch.bmm",
            "torch.einsum",
            "torch.tensordot",
            "torch.vdot",
            "torch.addmm",
            "torch.addmv",
            "torch.baddbmm",
            "torch.addbmm",
            "torch.chain_matmul",
            "torch.linalg.*",
            "torch.nn.functional.linear",
            "torch.nn.functional.bilinear",
            "torch.functional.einsum",
            "Tensor.dot",
            "Tensor.inner",
            "Tensor.matmul",
            "Tensor.mm",
            "Tensor.mv",
            "Tensor.bmm",
            "Tensor.vdot",
            "Tensor.addmm",
            "Tensor.addmv",
            "Tensor.baddbmm",
            "Tensor.__matmul__",
            "Tensor.__rmatmul__",
            "Tensor.tensordot",
            "Tensor.einsum",
        }
    ),
    runtime=frozenset(
        {
            "aten::mm",
            "aten::mv",
            "aten::dot",
            "aten::vdot",
            "aten::bmm",
            "aten::addmm",
            "aten::addmv",
            "aten::addbmm",
            "aten::baddbmm",
            "aten::addr",
            "aten::_addmm_activation",
            "aten::linalg_vecdot",
            "aten::_mkldnn_matmul",
            "torch.matmul",
            "torch.einsum",
            "torch.tensordot",
            "torch.inner",
            "torch.dot",
            "Tensor.matmul",
            "Tensor.__matmul__",
        }
    ),
)

# Hand-derived gradients: no autograd at all, by name or by the engine running.
AUTOGRAD_BANS = Bans(
    names=frozenset(
        {
            "Tensor.backward",
            "torch.autograd",
            "torch.autograd.*",
            "torch.func.*",
            "Tensor.requires_grad_",
            "Tensor.grad",
            "torch.enable_grad",
        }
    ),
    runtime=frozenset(
        {"autograd::backward", "Tensor.backward", "torch.autograd.grad", "torch.autograd.backward"}
    ),
)

NORM_BANS = Bans(
    names=frozenset(
        {
            "torch.norm",
            "Tensor.norm",
            "torch.linalg.*",
            "torch.nn.functional.normalize",
            "torch.cdist",
            "torch.dist",
            "Tensor.dist",
            "torch.renorm",
            "Tensor.renorm",
        }
    ),
    runtime=frozenset(
        {
            "aten::linalg_vector_norm",
            "aten::norm",
            "aten::linalg_norm",
            "aten::frobenius_norm",
            "aten::linalg_matrix_norm",
            "aten::dist",
            "aten::renorm",
            "torch.norm",
            "Tensor.norm",
        }
    ),
)

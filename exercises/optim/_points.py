"""Input generators shared by the linear-regression exercises of the unit."""

import torch


def line_points(
    g: torch.Generator,
    n: int,
    slope: float,
    intercept: float,
    noise: float,
    lo: float = 0.0,
    hi: float = 10.0,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """n points (x, y) with x uniform in [lo, hi) and y = slope*x + intercept + noise."""
    x = lo + (hi - lo) * torch.rand(n, generator=g, dtype=torch.float64)
    y = slope * x + intercept + noise * torch.randn(n, generator=g, dtype=torch.float64)
    return torch.stack([x, y], dim=1).to(dtype)


def uniform(g: torch.Generator, lo: float, hi: float) -> float:
    """A float in [lo, hi) from the generator, rounded to 4 decimals."""
    return round(lo + (hi - lo) * float(torch.rand((), generator=g, dtype=torch.float64)), 4)

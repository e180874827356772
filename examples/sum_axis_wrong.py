# A typical first attempt: forgets to pass keepdim on, and mutates its input.
import torch


def sum_axis(x: torch.Tensor, axis: int, keepdim: bool = False) -> torch.Tensor:
    total = x.sum(dim=axis)
    x.zero_()
    return total

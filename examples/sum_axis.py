def sum_axis(x, axis, keepdim=False):
    return x.sum(dim=axis, keepdim=keepdim)

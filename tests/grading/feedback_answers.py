"""Student answers for the feedback tests: each written the way real students write it."""

from __future__ import annotations

from grader.bank.catalog import find_exercise
from grader.grading.engine import grade
from grader.grading.report import Report
from grader.grading.source_loader import load_text
from worker.sandbox.contract import Runner


def graded(slug: str, source: str, runner: Runner, seed: int = 5) -> Report:
    """A shipped exercise's grading of ``source`` on the hidden cases of ``seed``."""
    return grade(find_exercise(slug), load_text(source), runner, seed=seed)


def failed_messages(report: Report, lang: str = "en") -> list[str]:
    """The messages of the failed cases."""
    return [t.message(lang) for t in report.tests if not t.passed]


# PCA as found in public code: standardised data, and V[indx] (rows of torch.svd's V).
PCA_STD_AND_ROWS = """
import torch

def pca_project(X, k):
    Xc = (X - X.mean(dim=0)) / X.std(dim=0)
    U, S, V = torch.svd(Xc)
    indx = torch.argsort(S, descending=True)[:k]
    return Xc @ V[indx].T
"""

PCA_STD_ONLY = """
import torch

def pca_project(X, k):
    Xc = (X - X.mean(dim=0)) / X.std(dim=0)
    U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
    return Xc @ Vh[:k].T
"""

PCA_ROWS_OF_V = """
import torch

def pca_project(X, k):
    Xc = X - X.mean(dim=0)
    U, S, V = torch.svd(Xc)
    indx = torch.argsort(S, descending=True)[:k]
    return Xc @ V[indx].T
"""

# The result sized by the vector instead of the rows.
MATVEC_SIZED_BY_X = """
import torch

def matvec(A, b):
    out = torch.zeros(len(b), dtype=A.dtype)
    for i in range(len(b)):
        out[i] = (A[i] * b).sum()
    return out
"""

# The closed form 4x: right values, but computed from x, which requires grad.
QUADRATIC_CLOSED_FORM = """
def grad_of_quadratic(x):
    return 4 * x
"""

# dL/dx1 as one number for the whole batch: right on one sample only if broadcast.
CHAIN_RULE_SCALAR_DX1 = """
import torch

def chain_rule_grads(x1, w1, w2, Y):
    dx1 = -(w1 * w2)
    dw1 = -(x1 * w2).sum()
    dw2 = -(x1 * w1).sum()
    return dx1, dw1, dw2
"""

MSE_AS_NUMPY_FLOAT64 = """
import numpy as np

def mse_line(b, w, points):
    p = points.double().numpy()
    return np.mean((p[:, 1] - (w * p[:, 0] + b)) ** 2)
"""

MSE_AS_NUMPY_FLOAT32 = """
import numpy as np

def mse_line(b, w, points):
    p = points.numpy()
    return np.float32(np.mean((p[:, 1] - (w * p[:, 0] + b)) ** 2))
"""

BROADCAST_AS_LIST = """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = [1] * (n - len(a)) + list(a)
    b = [1] * (n - len(b)) + list(b)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            raise ValueError("incompatible")
        out.append(y if x == 1 else x)
    return out
"""

# Correct, but a Python loop over the points inside the loop over the iterations.
DESCENT_PER_POINT_LOOP = """
def gradient_descent(points, b0, w0, lr, iterations):
    pts = points.tolist()
    n = len(pts)
    b, w = float(b0), float(w0)
    for _ in range(iterations):
        gb = gw = 0.0
        for x, y in pts:
            e = y - (w * x + b)
            gb += -2 * e / n
            gw += -2 * x * e / n
        b, w = b - lr * gb, w - lr * gw
    return b, w
"""

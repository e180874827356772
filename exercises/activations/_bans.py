"""Ban lists shared by the activation exercises.

Runtime names: aten ops (what any route ends in) and the torch-level names the function
recorder reports (``torch.sigmoid``, ``torch.special.expit``, ``torch.nn.functional.softmax``).
"""

from grader.exercise import Bans

SIGMOID_BANS = Bans(
    names=frozenset(
        {
            "torch.sigmoid",
            "torch.sigmoid_",
            "Tensor.sigmoid",
            "Tensor.sigmoid_",
            "torch.nn.functional.sigmoid",
            "torch.special.expit",
            "torch.nn.Sigmoid",
            "torch.nn.functional.logsigmoid",
            "torch.nn.LogSigmoid",
            "torch.special.log_expit",
            "scipy.special.expit",
            "scipy.special.log_expit",
        }
    ),
    runtime=frozenset(
        {
            "aten::sigmoid",
            "aten::sigmoid_",
            "aten::sigmoid_backward",
            "aten::log_sigmoid_forward",
            "aten::log_sigmoid",
            "aten::special_expit",
            "torch.sigmoid",
            "Tensor.sigmoid",
            "Tensor.sigmoid_",
            "torch.nn.functional.sigmoid",
            "torch.special.expit",
            "torch.nn.functional.logsigmoid",
            "torch.sigmoid_",
            "torch.special.log_expit",
            "torch.nn.functional.log_sigmoid",
        }
    ),
)

TANH_BANS = Bans(
    names=frozenset(
        {
            "torch.tanh",
            "torch.tanh_",
            "Tensor.tanh",
            "Tensor.tanh_",
            "torch.nn.functional.tanh",
            "torch.nn.Tanh",
            "math.tanh",
            "numpy.tanh",
        }
    ),
    runtime=frozenset(
        {
            "aten::tanh",
            "aten::tanh_",
            "aten::tanh_backward",
            "torch.tanh",
            "Tensor.tanh",
            "Tensor.tanh_",
            "torch.nn.functional.tanh",
            "torch.tanh_",
        }
    ),
)

SOFTMAX_BANS = Bans(
    names=frozenset(
        {
            "torch.softmax",
            "torch.log_softmax",
            "Tensor.softmax",
            "Tensor.log_softmax",
            "torch.nn.functional.softmax",
            "torch.nn.functional.log_softmax",
            "torch.nn.functional.softmin",
            "torch.nn.functional.gumbel_softmax",
            "torch.special.softmax",
            "torch.special.log_softmax",
            "torch.sparse.softmax",
            "torch.sparse.log_softmax",
            "torch.nn.Softmax",
            "torch.nn.LogSoftmax",
            "torch.nn.Softmin",
            "torch.nn.Softmax2d",
            "torch._softmax",
            "torch._log_softmax",
            "Tensor._softmax",
            "scipy.special.softmax",
            "scipy.special.log_softmax",
        }
    ),
    runtime=frozenset(
        {
            "aten::_softmax",
            "aten::_log_softmax",
            "aten::softmax",
            "aten::log_softmax",
            "aten::_safe_softmax",
            "aten::_masked_softmax",
            "aten::special_softmax",
            "aten::special_log_softmax",
            "aten::_sparse_softmax",
            "aten::_sparse_log_softmax",
            "torch.softmax",
            "torch.log_softmax",
            "Tensor.softmax",
            "Tensor.log_softmax",
            "torch.nn.functional.softmax",
            "torch.nn.functional.log_softmax",
            "torch.nn.functional.softmin",
            "torch.special.softmax",
            "torch.special.log_softmax",
            "torch._softmax",
            "torch._log_softmax",
        }
    ),
)

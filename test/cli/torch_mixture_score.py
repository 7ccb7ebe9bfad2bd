"""Exports the closed-form score of a 2-D Gaussian mixture as a PyTorch module with
torch.onnx.export, for test/cli/torch-samplers.test.ts.

Usage: /usr/bin/python3 torch_mixture_score.py OUT.onnx

The file follows the score-model contract (inputs x [N, 2], sigma [N]; output score [N, 2])
and has no scorekit metadata, like any model trained outside scorekit.
"""

import sys

import torch

MEANS = [[-2.0, -2.0], [8.0, 8.0]]
SCALES = [1.0, 1.0]
WEIGHTS = [0.8, 0.2]


class MixtureScore(torch.nn.Module):
    """score(x, sigma) = sum_k r_k(x) (mu_k - x) / (s_k^2 + sigma^2)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mu", torch.tensor(MEANS))
        self.register_buffer("s2", torch.tensor(SCALES) ** 2)
        self.register_buffer("logw", torch.log(torch.tensor(WEIGHTS)))

    def forward(self, x, sigma):
        v = self.s2[None, :] + sigma[:, None] ** 2  # [N, K]
        diff = self.mu[None, :, :] - x[:, None, :]  # [N, K, D]
        r2 = (diff ** 2).sum(-1)
        logits = self.logw[None, :] - torch.log(v) * (x.shape[1] / 2.0) - r2 / (2 * v)
        r = torch.softmax(logits, dim=1)
        return ((r / v)[:, :, None] * diff).sum(1)


torch.onnx.export(
    MixtureScore(),
    (torch.zeros(4, 2), torch.ones(4)),
    sys.argv[1],
    input_names=["x", "sigma"],
    output_names=["score"],
    dynamic_axes={"x": {0: "N"}, "sigma": {0: "N"}, "score": {0: "N"}},
    opset_version=17,
)

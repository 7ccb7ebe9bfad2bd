"""Writes the Bayesian linear-regression log density as an ONNX file with torch.onnx.export.

usage: torch_log_density.py OUT.onnx PROBLEM.json   (X [n, d], y [n], noise_std, alpha)
logp(theta) = -|y - X theta|^2 / (2 noise_std^2) - alpha |theta|^2 / 2, theta [N, d] -> [N].
"""
import json
import sys

import torch


class LogDensity(torch.nn.Module):
    def __init__(self, X, y, noise_std, alpha):
        super().__init__()
        self.register_buffer("X", torch.tensor(X, dtype=torch.float32))
        self.register_buffer("y", torch.tensor(y, dtype=torch.float32))
        self.noise_std = noise_std
        self.alpha = alpha

    def forward(self, theta):
        r = theta @ self.X.T - self.y  # [N, n]
        return -0.5 * (r * r).sum(1) / self.noise_std**2 - 0.5 * self.alpha * (theta * theta).sum(1)


def main():
    out, problem = sys.argv[1], json.load(open(sys.argv[2]))
    model = LogDensity(problem["X"], problem["y"], problem["noise_std"], problem["alpha"])
    d = len(problem["X"][0])
    torch.onnx.export(
        model,
        (torch.zeros(2, d),),
        out,
        input_names=["theta"],
        output_names=["logp"],
        dynamic_axes={"theta": {0: "N"}, "logp": {0: "N"}},
        opset_version=17,
    )


if __name__ == "__main__":
    main()

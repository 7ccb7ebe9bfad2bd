"""PyTorch CPU side of `npm run bench:ops`: the same convolution workloads as bench/ops.ts.

Usage: python3 bench/torch_ops.py THREADS REPS
Prints JSON {seconds: {case: median wall seconds}, cpuSeconds: {case: median process CPU
seconds}} for conv3x3 and resblock, forward and forward+backward.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

N, C, H = 32, 64, 28


CPU = {}


def median_time(f, reps, key):
    """Median wall seconds of f; the median process CPU seconds go to CPU[key]."""
    f()
    f()
    ts = []
    cs = []
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
    CPU[key] = statistics.median(cs)
    return statistics.median(ts)


def main():
    threads, reps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(N, C, H, H, generator=g, requires_grad=True)
    w1 = (torch.randn(C, C, 3, 3, generator=g) * 0.05).requires_grad_(True)
    w2 = (torch.randn(C, C, 3, 3, generator=g) * 0.05).requires_grad_(True)
    b1 = torch.zeros(C, requires_grad=True)
    b2 = torch.zeros(C, requires_grad=True)
    gy = torch.randn(N, C, H, H, generator=g)

    def conv():
        return F.conv2d(x, w1, padding=1)

    def block():
        return x + F.conv2d(F.relu(F.conv2d(x, w1, b1, padding=1)), w2, b2, padding=1)

    def fwd(f):
        def run():
            with torch.no_grad():
                f()
        return run

    def fwd_bwd(f, params):
        return lambda: torch.autograd.grad(f(), params, gy)

    out = {
        "conv3x3/forward": median_time(fwd(conv), reps, "conv3x3/forward"),
        "conv3x3/forward+backward": median_time(
            fwd_bwd(conv, [x, w1]), reps, "conv3x3/forward+backward"
        ),
        "resblock/forward": median_time(fwd(block), reps, "resblock/forward"),
        "resblock/forward+backward": median_time(
            fwd_bwd(block, [x, w1, b1, w2, b2]), reps, "resblock/forward+backward"
        ),
    }
    print(
        json.dumps(
            {"torch": torch.__version__, "threads": threads, "seconds": out, "cpuSeconds": CPU}
        )
    )


if __name__ == "__main__":
    main()

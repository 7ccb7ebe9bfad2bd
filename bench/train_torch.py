"""PyTorch side of `npm run bench:train`: one full DSM training step of the same network.

Run by bench/train.ts with Debian's /usr/bin/python3 (torch 1.13, oneDNN):

    /usr/bin/python3 bench/train_torch.py CASE_DIR

CASE_DIR holds case.json ({model, objective, config, batch, dataShape, threads, lr, clipNorm,
emaDecay, specs: [{name, shape, offset, size}]}) and raw little-endian float32 files theta.f32
(scorekit's initial parameter vector, loaded into the torch modules by name, or by order for
the U-Net), and the batch fed every step: x.f32, z.f32 and sigma.f32 (objective "dsm") or
t.f32, sqrt_ab.f32, sqrt_1mab.f32 (objective "ddpm"). The script builds the model, prints one JSON line {"ready": ...}, then
answers each command line on stdin:

    steps N   run N training steps, print {"seconds": [wall, per step], "cpu": [process CPU
              seconds, all threads, per step], "losses": [per step]}
    sample N  run N Langevin steps x <- x + a s(x, sigma) + sqrt(2 a) z under no_grad, at
              sigma = sampleSigma, a = sampleStep (case.json), starting from x; print the
              same (losses: [null])
    quit      exit

The step: "dsm": x~ = x + sigma z, loss = mean over the batch of 1/2 || sigma s(x~, sigma) + z ||^2
(lambda = sigma^2); "ddpm": x_t = sqrt_ab x + sqrt_1mab z, loss = mean over the batch of
|| z - eps(x_t, t) ||^2; then backward; clip_grad_norm_; Adam; EMA update.

Models:
  ncsnv2  RefineNetDilated from test/fixtures/score_nets_reference.py (equal to scorekit's
          ncsnv2 on shared weights, see test/models/torch-reference.test.ts), score = f(x) / sigma
  unet    the DDPM U-Net of test/fixtures/score_nets_reference.py (equal to scorekit's unet on
          shared weights), predicting the noise
  mlp     scorekit's src/models/mlp.ts: EDM-preconditioned score, features sin / cos of
          f_k log sigma with f_k = 2^(k/2) / 4, SiLU, each hidden layer adding a bias-free
          linear map of the embedding
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "fixtures"))
from score_nets_reference import RefineNetDilated, UNet  # noqa: E402


class MlpScore(nn.Module):
    """The MLP score network of src/models/mlp.ts (state_dict names equal scorekit's)."""

    def __init__(self, cfg):
        super().__init__()
        dim, hidden, layers, freqs = cfg["dim"], cfg["hidden"], cfg["layers"], cfg["frequencies"]
        self.sd = float(cfg.get("dataStd", 1.0))
        self.layers = layers
        self.register_buffer("f", torch.tensor([2 ** (k / 2) / 4 for k in range(freqs)]))
        width = dim
        for l in range(layers):
            setattr(self, f"layer{l}", nn.Linear(width, hidden))
            setattr(self, f"embed{l}", nn.Linear(2 * freqs, hidden, bias=False))
            width = hidden
        self.out = nn.Linear(width, dim)

    def forward(self, x, sigma):
        a = torch.log(sigma)[:, None] * self.f
        emb = torch.cat([torch.sin(a), torch.cos(a)], dim=1)  # [B, 2F]
        sig = sigma[:, None]
        s2 = sig * sig + self.sd * self.sd
        rs = torch.sqrt(s2)
        h = x / rs
        for l in range(self.layers):
            h = F.silu(getattr(self, f"layer{l}")(h) + getattr(self, f"embed{l}")(emb))
        out = self.out(h)
        return out * self.sd / (sig * rs) - x / s2


class Ncsnv2Score(nn.Module):
    """s(x, sigma) = f(x) / sigma with f the reference RefineNetDilated (unconditional)."""

    def __init__(self, cfg):
        super().__init__()
        self.net = RefineNetDilated(cfg, conditional=False)

    def forward(self, x, sigma):
        return self.net(x, None) / sigma.view(-1, 1, 1, 1)


def read_f32(path, shape):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape).clone()


def load_theta_by_order(model, specs, theta):
    """The U-Net: scorekit declares its parameters in torch's module order."""
    sd = model.state_dict()
    assert len(specs) == len(sd), (len(specs), len(sd))
    for s, (key, ref) in zip(specs, sd.items()):
        flat = theta[s["offset"] : s["offset"] + s["size"]]
        if key.endswith("weight") and ref.dim() == 2:  # Linear: torch [out, in], scorekit [in, out]
            sd[key] = flat.reshape(ref.shape[1], ref.shape[0]).t().contiguous()
        else:
            sd[key] = flat.reshape(ref.shape).clone()
    model.load_state_dict(sd)


def load_theta(model, kind, specs, theta):
    """Copies scorekit's flat parameter vector into the modules (dense weights transposed)."""
    if kind == "unet":
        return load_theta_by_order(model, specs, theta)
    sd = model.state_dict()
    prefix = "net." if kind == "ncsnv2" else ""
    keys = {k for k in sd if not k.endswith(".f") and k != "f"}
    names = {prefix + s["name"] for s in specs}
    assert keys == names, sorted(keys ^ names)[:10]
    for s in specs:
        key = prefix + s["name"]
        flat = theta[s["offset"] : s["offset"] + s["size"]]
        if kind == "mlp" and len(s["shape"]) == 2:
            sd[key] = flat.reshape(s["shape"]).t().contiguous()
        else:
            sd[key] = flat.reshape(sd[key].shape).clone()
    model.load_state_dict(sd)


def main():
    case_dir = sys.argv[1]
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    torch.set_num_threads(case["threads"])
    torch.set_num_interop_threads(1)
    kind, cfg, B = case["model"], case["config"], case["batch"]
    shape = [B] + case["dataShape"]
    model = {"ncsnv2": Ncsnv2Score, "unet": UNet, "mlp": MlpScore}[kind](cfg)
    size = sum(s["size"] for s in case["specs"])
    load_theta(model, kind, case["specs"], read_f32(os.path.join(case_dir, "theta.f32"), [size]))
    params = [p for p in model.parameters()]
    assert sum(p.numel() for p in params) == size
    x = read_f32(os.path.join(case_dir, "x.f32"), shape)
    z = read_f32(os.path.join(case_dir, "z.f32"), shape)
    per_example = lambda name: read_f32(os.path.join(case_dir, f"{name}.f32"), [B])
    col = lambda v: v.view([B] + [1] * (len(shape) - 1))
    dims = tuple(range(1, len(shape)))
    if case.get("objective", "dsm") == "ddpm":
        t, a, b = per_example("t"), col(per_example("sqrt_ab")), col(per_example("sqrt_1mab"))

        def loss_fn():
            r = z - model(a * x + b * z, t)
            return (r * r).sum(dim=dims).mean()
    else:
        sigma = per_example("sigma")
        s = col(sigma)

        def loss_fn():
            r = s * model(x + s * z, sigma) + z
            return (0.5 * (r * r).sum(dim=dims)).mean()
    opt = torch.optim.Adam(params, lr=case["lr"], foreach=case.get("foreach", None))
    ema = [p.detach().clone() for p in params]
    decay, clip = case["emaDecay"], case["clipNorm"]

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, clip)
        opt.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, decay)
            torch._foreach_add_(ema, params, alpha=1 - decay)
        return loss.item()

    sample_x = x.clone()
    sample_sigma = torch.full([B], float(case.get("sampleSigma", 1.0)))
    a = float(case.get("sampleStep", 1e-3))

    def sample_step():
        nonlocal sample_x
        with torch.no_grad():
            s = model(sample_x, sample_sigma)
            sample_x = sample_x + a * s + (2 * a) ** 0.5 * torch.randn_like(sample_x)
        return None

    print(json.dumps({"ready": True, "torch": torch.__version__, "params": size}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        n = int(cmd[1])
        run = sample_step if cmd[0] == "sample" else step
        seconds, cpu, losses = [], [], []
        for _ in range(n):
            c0, t0 = time.process_time(), time.perf_counter()
            losses.append(run())
            seconds.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(json.dumps({"seconds": seconds, "cpu": cpu, "losses": losses}), flush=True)


if __name__ == "__main__":
    main()

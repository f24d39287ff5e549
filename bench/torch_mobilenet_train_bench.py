"""Training throughput of the PyTorch equivalent of semslice's zoo "mobilenet-small" (28x28x1 -> 10): stem conv 3x3
16 (no bias) + BN + ReLU6; a residual block depthwise 3x3 + BN + ReLU6 + conv 1x1 16 + BN added to the stem; depthwise
3x3 stride 2 + BN + ReLU6 + conv 1x1 32 + BN + ReLU6; separable conv 48 (depthwise 3x3 without bias, then 1x1 with
bias) + ReLU; global average pooling; dropout 0.2; linear 10. Batch-64 Adam steps on random MNIST-sized inputs, the
protocol of bench/train.ts for this model: 20 warm-up steps, then --runs timed runs of --steps steps, median.
bench/train.ts runs it through the PyTorch reference's run.sh (WHAT=mobilenet, MOBILENET_BENCH=this file), which
supplies the interpreter, OpenBLAS and threads.

usage: python3 torch_mobilenet_train_bench.py --threads 2 [--steps 200] [--runs 3] [--warmup 20]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def bn(c):
    # Keras momentum 0.9 is PyTorch momentum 0.1; Keras' epsilon 1e-3.
    return nn.BatchNorm2d(c, momentum=0.1, eps=1e-3)


def dw(c, stride):
    return nn.Conv2d(c, c, 3, stride=stride, padding=1, groups=c, bias=False)


class MobilenetSmall(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), bn(16), nn.ReLU6())
        self.block1 = nn.Sequential(dw(16, 1), bn(16), nn.ReLU6(), nn.Conv2d(16, 16, 1, bias=False), bn(16))
        self.block2 = nn.Sequential(dw(16, 2), bn(16), nn.ReLU6(), nn.Conv2d(16, 32, 1, bias=False), bn(32), nn.ReLU6())
        self.sep = nn.Sequential(dw(32, 1), nn.Conv2d(32, 48, 1), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(48, classes))

    def forward(self, x):
        x = self.stem(x)
        x = x + self.block1(x)
        x = self.sep(self.block2(x))
        return self.head(x.mean((2, 3)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    assert torch.get_num_threads() == args.threads, torch.get_num_threads()
    torch.manual_seed(0)
    model = MobilenetSmall()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(args.batch, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        for _ in range(args.steps):
            step()
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(json.dumps({"model": "mobilenet-small", "threads": args.threads, "batch": args.batch, "steps_per_run": args.steps,
                      "runs": args.runs, "median_s": med, "train_samples_per_s": args.steps * args.batch / med,
                      "parameters": sum(p.numel() for p in model.parameters()), "torch": torch.__version__,
                      "torch_threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()

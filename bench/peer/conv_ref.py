#!/usr/bin/env python3
"""The peer's 3x3 convolution on binary input, for `npm run bench -- engine`: PyTorch's F.conv2d (NCHW),
same shape, firing rate and thread count as our row. Prints one JSON line per rate:
{"case": "conv", "rate", "threads", "median_ms", "min_ms", "reps"}.
Run: /usr/bin/python3 conv_ref.py --rates 0.05,0.1 --threads 2 --shape 128,32,32,64,64 --reps 5"""
import argparse, json, statistics, time
import torch
import torch.nn.functional as F


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--rates', default='0.05,0.1,0.2,0.4')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--shape', default='128,32,32,64,64', help='N,H,W,Cin,Cout')
    p.add_argument('--reps', type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    n, h, w, cin, cout = (int(v) for v in a.shape.split(','))
    weight = torch.randn(cout, cin, 3, 3) * 0.1
    for rate in (float(r) for r in a.rates.split(',')):
        x = (torch.rand(n, cin, h, w) < rate).float()
        with torch.no_grad():
            for _ in range(2):
                F.conv2d(x, weight, padding=1)
            ms = []
            for _ in range(a.reps):
                t0 = time.perf_counter()
                F.conv2d(x, weight, padding=1)
                ms.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({'case': 'conv', 'rate': rate, 'threads': a.threads, 'median_ms': round(statistics.median(ms), 2),
                          'min_ms': round(min(ms), 2), 'reps': len(ms)}), flush=True)


if __name__ == '__main__':
    main()

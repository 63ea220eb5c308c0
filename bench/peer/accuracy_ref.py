#!/usr/bin/env python3
"""How far the peer gets: a spiking ResNet of ../shared/peer/torch_ref.py (standard join, LIF decay 0.25,
vth 0.5, rectangular surrogate) trained in PyTorch on all of CIFAR-10, its test accuracy on all 10,000 test
images after each epoch, and the training seconds so far. It answers whether a backbone accuracy is within
reach of a time budget on this machine for the framework a user would pick instead.
Data: the decoded image cache that spikesplit's loader writes (data/cache/cifar10-jpg-{train,test}-*.images,
uint8 [N, 32, 32, 3], and .labels, uint8); the first step of `npm run reproduce` decodes the archive into it.
Recipe: Adam, cosine schedule with linear warm-up, a random crop (pad 4; one offset a batch) and a horizontal
flip (per image), per-channel normalisation by the training set's mean and deviation. The crop offsets come from
numpy's global generator, unseeded, and PyTorch's sums depend on the thread count: two runs differ by about a
point.
Run: /usr/bin/python3 accuracy_ref.py --epochs 4 --threads 2 [--model resnet18 --width 0.25 --T 2]
Prints one JSON line of the configuration, then one per epoch: {"epoch", "train_s", "loss", "test_acc"}."""
import argparse, glob, json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, '..', 'shared', 'peer'))
import torch_ref as R  # noqa: E402


def load(cache, split, count):
    files = glob.glob(os.path.join(cache, f'cifar10-jpg-{split}-*.images'))
    if len(files) != 1:
        sys.exit(f'accuracy_ref: expected one {cache}/cifar10-jpg-{split}-*.images, found {len(files)}')
    x = np.fromfile(files[0], dtype=np.uint8)
    if x.size != count * 32 * 32 * 3:
        sys.exit(f'accuracy_ref: {files[0]} holds {x.size} bytes, expected {count} images of 32x32x3')
    y = np.fromfile(files[0][: -len('.images')] + '.labels', dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(x.reshape(count, 32, 32, 3)).permute(0, 3, 1, 2).float().div(255), torch.from_numpy(y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', choices=['resnet18', 'resnet50'], default='resnet18')
    p.add_argument('--width', type=float, default=0.25)
    p.add_argument('--T', type=int, default=2)
    p.add_argument('--stem-stride', type=int, default=1)
    p.add_argument('--epochs', type=int, default=4)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--warmup', type=float, default=0.1, help='warm-up epochs')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cache', default=os.path.join(ROOT, 'data', 'cache'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load(a.cache, 'train', 50000)
    xte, yte = load(a.cache, 'test', 10000)
    mean, std = xtr.mean((0, 2, 3), keepdim=True), xtr.std((0, 2, 3), keepdim=True)
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    block, layers = (R.Basic, [2, 2, 2, 2]) if a.model == 'resnet18' else (R.Bottle, [3, 4, 6, 3])
    net = R.SpikingResNet(block, layers, a.T, a.width, 10)
    net.stem[0].stride = (a.stem_stride, a.stem_stride)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    per_epoch = 50000 // a.batch
    total, warm = per_epoch * a.epochs, int(a.warmup * per_epoch)

    def lr_at(s):
        if s < warm:
            return a.lr * (s + 1) / warm
        return a.lr * 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, total - warm)))

    def augment(x):
        i, j = np.random.randint(0, 9, 2)
        x = F.pad(x, (4, 4, 4, 4))[:, :, i:i + 32, j:j + 32]
        flip = torch.rand(x.shape[0]) < 0.5
        x[flip] = x[flip].flip(3)
        return x

    def evaluate():
        net.eval()
        with torch.no_grad():
            correct = sum((net(xte[k:k + 500]).argmax(1) == yte[k:k + 500]).sum().item() for k in range(0, 10000, 500))
        net.train()
        return correct / 100

    print(json.dumps({'config': vars(a)}), flush=True)
    step, train_s, rng = 0, 0.0, np.random.default_rng(a.seed)
    for epoch in range(1, a.epochs + 1):
        perm, t0, loss_sum = torch.from_numpy(rng.permutation(50000)), time.perf_counter(), 0.0
        for b in range(per_epoch):
            idx = perm[b * a.batch:(b + 1) * a.batch]
            for g in opt.param_groups:
                g['lr'] = lr_at(step)
            loss = F.cross_entropy(net(augment(xtr[idx])), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step, loss_sum = step + 1, loss_sum + loss.item()
            if b % 100 == 0:
                rate = (b + 1) * a.batch / (time.perf_counter() - t0)
                print(f'epoch {epoch} step {b}/{per_epoch} loss {loss_sum / (b + 1):.3f} {rate:.0f} img/s', file=sys.stderr, flush=True)
        train_s += time.perf_counter() - t0
        print(json.dumps({'epoch': epoch, 'train_s': round(train_s), 'loss': round(loss_sum / per_epoch, 4), 'test_acc': evaluate()}), flush=True)


if __name__ == '__main__':
    main()

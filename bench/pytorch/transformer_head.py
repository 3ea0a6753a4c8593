"""PyTorch reference for bench/training.ts: one training step of the same transformer head.

The head matches buildTransformerHeadStep in bench/training.ts. It has pre-norm blocks (width 512,
8 heads, MLP 2048 with QuickGELU), a final layer norm, the first token as the feature and a 702-way
classifier without bias. The loss is cross-entropy with label smoothing 0.1 plus batch-hard triplet
loss (margin 0.3). Gradients are clipped to norm 5 before AdamW (weight decay 0.05). The script
prints one JSON object per token count on stdout.

Usage: python3 bench/pytorch/transformer_head.py [--tokens 3 1] [--steps 20] [--threads 2]
"""

import argparse
import json
import time

import torch
from torch import nn


class QuickGelu(nn.Module):
    """x * sigmoid(1.702 x), CLIP's approximation of GELU."""

    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads, mlp_width):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.projection = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, mlp_width), QuickGelu(), nn.Linear(mlp_width, width))

    def attention(self, x):
        batch, tokens, width = x.shape
        head_width = width // self.heads
        q, k, v = self.qkv(x).view(batch, tokens, 3, self.heads, head_width).permute(2, 0, 3, 1, 4)
        weights = torch.softmax(q @ k.transpose(-2, -1) / head_width**0.5, dim=-1)
        mixed = (weights @ v).transpose(1, 2).reshape(batch, tokens, width)
        return self.projection(mixed)

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Head(nn.Module):
    def __init__(self, width=512, layers=2, heads=8, mlp_width=2048, classes=702):
        super().__init__()
        self.blocks = nn.Sequential(*[Block(width, heads, mlp_width) for _ in range(layers)])
        self.norm = nn.LayerNorm(width)
        self.classifier = nn.Linear(width, classes, bias=False)

    def forward(self, tokens):
        feature = self.norm(self.blocks(tokens))[:, 0]
        return feature, self.classifier(feature)


def batch_hard_triplet(features, labels, margin):
    """Hardest positive and hardest negative per anchor, on Euclidean distances."""
    squared = (features * features).sum(1)
    distances = (squared[:, None] + squared[None, :] - 2 * features @ features.t()).clamp_min(1e-12).sqrt()
    same = labels[:, None] == labels[None, :]
    hardest_positive = (distances * same).max(1).values
    hardest_negative = (distances + same * 1e9).min(1).values
    return torch.relu(hardest_positive - hardest_negative + margin).mean()


def step_milliseconds(tokens, steps, batch=64, identities=16, width=512, classes=702):
    torch.manual_seed(0)
    head = Head(width=width, classes=classes)
    optimizer = torch.optim.AdamW(head.parameters(), lr=1e-4, weight_decay=0.05)
    inputs = torch.randn(batch, tokens, width)
    labels = torch.arange(identities).repeat_interleave(batch // identities)
    identity_loss = nn.CrossEntropyLoss(label_smoothing=0.1)

    def step():
        optimizer.zero_grad(set_to_none=True)
        feature, logits = head(inputs)
        loss = identity_loss(logits, labels) + batch_hard_triplet(feature, labels, 0.3)
        loss.backward()
        nn.utils.clip_grad_norm_(head.parameters(), 5.0)
        optimizer.step()

    for _ in range(3):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) * 1000 / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tokens', type=int, nargs='+', default=[3, 1])
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    for tokens in args.tokens:
        milliseconds = step_milliseconds(tokens, args.steps)
        print(json.dumps({'tokens': tokens, 'msPerStep': round(milliseconds, 2), 'threads': args.threads, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()

"""A small anchor-free (FCOS-style) detector for the demo model.

One output level at stride 8 fed by a light feature pyramid. The exported graph ends in the demo model's own
output format: ``detections [1, N, 4 + C]`` with boxes as x_min, y_min, x_max, y_max in input pixels and one
score per class (classification probability times centre-ness, square-rooted), so the Java side only thresholds,
runs NMS and maps boxes back to the original image.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDE = 8


def conv_bn(cin, cout, stride=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class DemoDetector(nn.Module):
    def __init__(self, num_classes=5, input_size=256):
        super().__init__()
        self.num_classes = num_classes
        self.input_size = input_size
        self.stem = nn.Sequential(conv_bn(1, 16, 2), conv_bn(16, 24, 2), conv_bn(24, 24))  # stride 4
        self.c3 = nn.Sequential(conv_bn(24, 48, 2), conv_bn(48, 48))  # stride 8
        self.c4 = nn.Sequential(conv_bn(48, 96, 2), conv_bn(96, 96))  # stride 16
        self.c5 = nn.Sequential(conv_bn(96, 128, 2), conv_bn(128, 128), conv_bn(128, 128))  # stride 32
        self.lat3 = nn.Conv2d(48, 64, 1)
        self.lat4 = nn.Conv2d(96, 64, 1)
        self.lat5 = nn.Conv2d(128, 64, 1)
        self.head = nn.Sequential(conv_bn(64, 64), conv_bn(64, 64))
        self.cls = nn.Conv2d(64, num_classes, 3, 1, 1)
        self.reg = nn.Conv2d(64, 4, 3, 1, 1)
        self.ctr = nn.Conv2d(64, 1, 3, 1, 1)
        prior = 0.01
        nn.init.constant_(self.cls.bias, -torch.log(torch.tensor((1 - prior) / prior)).item())
        n = input_size // STRIDE
        ys, xs = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
        centres = torch.stack([xs, ys], dim=-1).reshape(-1, 2).float() * STRIDE + STRIDE / 2
        self.register_buffer("centres", centres, persistent=False)

    def raw(self, x):
        """Returns logits [B, N, C], box distances l, t, r, b in pixels [B, N, 4], centre-ness logits [B, N]."""
        s4 = self.stem(x)
        c3 = self.c3(s4)
        c4 = self.c4(c3)
        c5 = self.c5(c4)
        p5 = self.lat5(c5)
        p4 = self.lat4(c4) + F.interpolate(p5, scale_factor=2.0, mode="nearest")
        p3 = self.lat3(c3) + F.interpolate(p4, scale_factor=2.0, mode="nearest")
        h = self.head(p3)
        b = x.shape[0]
        logits = self.cls(h).flatten(2).transpose(1, 2)
        # exp keeps every distance positive with a gradient everywhere (ReLU would leave dead boxes).
        dist = torch.exp(self.reg(h).clamp(max=6.0)).flatten(2).transpose(1, 2) * STRIDE
        ctr = self.ctr(h).flatten(2).transpose(1, 2).reshape(b, -1)
        return logits, dist, ctr

    def forward(self, x):
        logits, dist, ctr = self.raw(x)
        scores = torch.sqrt(torch.sigmoid(logits) * torch.sigmoid(ctr).unsqueeze(-1))
        c = self.centres.unsqueeze(0)
        boxes = torch.cat([c - dist[..., :2], c + dist[..., 2:]], dim=-1)
        return torch.cat([boxes, scores], dim=-1)

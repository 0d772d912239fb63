"""Pre-processing shared by training, export and the parity fixtures.

It must match the Java detector exactly (org.cxr.detector.image.Preprocessor): grey levels scaled to [0, 1],
letterboxed to the input size by area averaging with PyTorch's adaptive-average-pool index rule, centred on a
black canvas, then (v - mean) / std.
"""
import json
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

INPUT_SIZE = 256
MEAN = 0.5
STD = 0.25
CLASS_NAMES = ["Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass"]


def load_grey(path):
    """Grey levels in [0, 1] as float32 [H, W]; 8- and 16-bit PNG or JPEG, RGB averaged with the Java weights."""
    img = Image.open(path)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float32) / 65535.0
    elif img.mode == "L":
        arr = np.asarray(img, dtype=np.float32) / 255.0
    else:
        rgb = np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0
        arr = (rgb[..., 0] + rgb[..., 1] + rgb[..., 2]) / 3.0
    return arr


def letterbox_geometry(width, height, size=INPUT_SIZE):
    scale = min(size / width, size / height)
    new_w = max(1, min(size, int(math.floor(width * scale + 0.5))))
    new_h = max(1, min(size, int(math.floor(height * scale + 0.5))))
    pad_x = (size - new_w) // 2
    pad_y = (size - new_h) // 2
    return new_w, new_h, pad_x, pad_y


def letterbox(grey, size=INPUT_SIZE):
    """grey: float32 [H, W] -> float32 [size, size] in [0, 1], plus the geometry."""
    h, w = grey.shape
    new_w, new_h, pad_x, pad_y = letterbox_geometry(w, h, size)
    t = torch.from_numpy(np.ascontiguousarray(grey))[None, None]
    small = F.adaptive_avg_pool2d(t, (new_h, new_w))[0, 0]
    canvas = torch.zeros(size, size, dtype=torch.float32)
    canvas[pad_y:pad_y + new_h, pad_x:pad_x + new_w] = small
    return canvas, (w, h, new_w, new_h, pad_x, pad_y)


def normalise(canvas):
    return (canvas - MEAN) / STD


def to_original(boxes, geometry):
    """Boxes in input pixels [N, 4] -> original image pixels, clamped to the image."""
    w, h, new_w, new_h, pad_x, pad_y = geometry
    sx = new_w / w
    sy = new_h / h
    out = boxes.clone()
    out[:, 0] = ((boxes[:, 0] - pad_x) / sx).clamp(0, w)
    out[:, 2] = ((boxes[:, 2] - pad_x) / sx).clamp(0, w)
    out[:, 1] = ((boxes[:, 1] - pad_y) / sy).clamp(0, h)
    out[:, 3] = ((boxes[:, 3] - pad_y) / sy).clamp(0, h)
    return out


def load_coco(path):
    with open(path) as f:
        return json.load(f)

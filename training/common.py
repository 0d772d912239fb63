"""Pre-processing shared by training, export and the parity fixtures.

It must match the Java detector exactly (org.cxr.detector.image.ImageDecoder and Preprocessor): sample values mapped
to [0, 1] as the manifest's input.intensity says (INTENSITY below for the demo model), letterboxed to the input size
by area averaging with PyTorch's adaptive-average-pool index rule, centred on a black canvas, then (v - mean) / std.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

INPUT_SIZE = 256
MEAN = 0.5
STD = 0.25
CLASS_NAMES = ["Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass"]

# How the demo model reads intensities, written to its manifest as input.intensity. SIGNIFICANT_BITS is value /
# (2^bitDepth - 1) for every file the phantom generator writes (8-bit, and full-range 16-bit without sBIT), which is
# what the model was trained on, and value / (2^sBIT - 1) for 12-bit detector data exported in a 16-bit PNG with
# sBIT 12, which then looks as the same radiograph does in 8 bits.
INTENSITY = {"mode": "SIGNIFICANT_BITS"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_PALETTE = 3


def png_header(path):
    """(bit depth, colour type, sBIT values or None) from a PNG's chunks before IDAT; None when not a PNG.

    Parsed here because Pillow does not expose sBIT reliably; same limits as the Java reader (PngHeader): sBIT is used
    only when it has one value per stored channel and each is between 1 and the bit depth (8 for a palette).
    """
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(PNG_SIGNATURE):
        return None
    bit_depth = colour_type = None
    sbit = None
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        start = at + 8
        if length > len(data) - start:
            break
        if kind == b"IHDR" and length >= 13:
            bit_depth, colour_type = data[start + 8], data[start + 9]
        elif kind == b"sBIT" and length <= 4:
            sbit = list(data[start:start + length])
        elif kind in (b"IDAT", b"IEND"):
            break
        at = start + length + 4
    if bit_depth is None:
        return None
    channels = {0: 1, 4: 2, 2: 3, 3: 3, 6: 4}.get(colour_type)
    most = 8 if colour_type == PNG_PALETTE else bit_depth
    if sbit is not None and (len(sbit) != channels or any(b < 1 or b > most for b in sbit)):
        sbit = None
    return bit_depth, colour_type, sbit


def load_samples(path):
    """The stored samples as float32 [C, H, W] (C = 1 grey or 3 RGB, alpha dropped), their bits per sample, and the
    sBIT values of those channels (None if not applicable), as the Java decoder sees them."""
    img = Image.open(path)
    header = png_header(path)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        samples, bits = np.asarray(img, dtype=np.float32)[None], 16
    elif img.mode == "L":
        samples, bits = np.asarray(img, dtype=np.float32)[None], 8
    else:
        # Pillow gives palette, grey+alpha and colour images as 8-bit RGB (16-bit colour loses its low byte; the
        # demo model's images are grey).
        samples, bits = np.moveaxis(np.asarray(img.convert("RGB"), dtype=np.float32), -1, 0), 8
    sbit = None
    if header and header[1] != PNG_PALETTE and header[0] == bits and header[2] is not None and len(header[2]) >= len(samples):
        sbit = header[2][:len(samples)]
    return samples, bits, sbit


def load_grey(path, intensity=None):
    """Grey levels in [0, 1] as float32 [H, W], mapped as `intensity` (a manifest's input.intensity; default the demo
    model's) says; RGB averaged after mapping, with the Java weights."""
    intensity = INTENSITY if intensity is None else intensity
    mode = intensity.get("mode", "BIT_DEPTH").upper()
    samples, bits, sbit = load_samples(path)
    full = np.float32(2 ** bits - 1)
    black = np.zeros(len(samples), dtype=np.float64)
    rng = np.full(len(samples), full, dtype=np.float64)
    if mode == "SIGNIFICANT_BITS" and sbit is not None:
        for c, s in enumerate(sbit):
            white = 2 ** s - 1
            # A sample above 2^sBIT - 1: the writer scaled the data to the full range, as the PNG specification asks.
            if samples[c].max() <= white:
                rng[c] = white
    elif mode == "PERCENTILE_WINDOW":
        grey = samples.mean(axis=0, dtype=np.float64)
        low, high = np.percentile(grey, [intensity.get("low", 0.5), intensity.get("high", 99.5)])
        if high > low:
            black[:] = low
            rng[:] = high - low
    elif mode not in ("BIT_DEPTH", "SIGNIFICANT_BITS"):
        raise ValueError("unknown intensity mode " + mode)
    mapped = [np.clip((samples[c] - np.float32(black[c])) / np.float32(rng[c]), 0, 1) for c in range(len(samples))]
    if len(mapped) == 1:
        return mapped[0].astype(np.float32)
    return ((mapped[0] + mapped[1] + mapped[2]) / 3.0).astype(np.float32)


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

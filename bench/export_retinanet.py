"""Exports torchvision's RetinaNet-ResNet50-FPN with random weights (no download) for the benchmark.

    /usr/bin/python3 bench/export_retinanet.py bench/work/retinanet

Writes model.onnx (input [1, 3, 800, 800] RGB in [0, 1]; outputs boxes, scores, labels), manifest.json for the Java
detector, and weights.pt so the PyTorch side runs the very same network.
"""
import json
import os
import sys

import torch
import torchvision

CLASSES = ["Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass"]


class Batched(torch.nn.Module):
    """Takes a [1, 3, H, W] tensor, as the Java detector feeds, and returns torchvision's final boxes."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image):
        out = self.model([image[0]])[0]
        return out["boxes"], out["scores"], out["labels"]


def build():
    torch.manual_seed(0)
    model = torchvision.models.detection.retinanet_resnet50_fpn(
        weights=None, weights_backbone=None, num_classes=len(CLASSES), min_size=800, max_size=800)
    return Batched(model).eval()


def main(out):
    os.makedirs(out, exist_ok=True)
    model = build()
    torch.save(model.state_dict(), os.path.join(out, "weights.pt"))
    dummy = torch.rand(1, 3, 800, 800)
    torch.onnx.export(model, (dummy,), os.path.join(out, "model.onnx"), input_names=["image"],
                      output_names=["boxes", "scores", "labels"], opset_version=13)
    manifest = {
        "name": "retinanet-resnet50-fpn-random", "version": "bench",
        "description": "torchvision RetinaNet-ResNet50-FPN with random weights, for benchmarking only",
        "classes": [{"name": c} for c in CLASSES],
        "input": {"name": "image", "layout": "NCHW", "width": 800, "height": 800, "color": "RGB", "resize": "STRETCH",
                  "scale": 1.0, "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]},
        "output": {"decoder": "BOXES_SCORES_LABELS", "tensors": ["boxes", "scores", "labels"], "labelOffset": 0},
        "defaults": {"confidence": 0.05, "nmsIou": 0.5},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print("exported", out)


if __name__ == "__main__":
    main(sys.argv[1])

"""Writes the parity fixture: the PyTorch (eager) output of the demo network on phantoms the Java side can redraw.

    ./cxr synth --count 14 --seed 77 --out training/work/parity8
    ./cxr synth --count 6 --seed 78 --bit-depth 16 --out training/work/parity16
    /usr/bin/python3 training/parity.py --model models/demo --out models/demo/parity.json \
        training/work/parity8/annotations.json:77:8 training/work/parity16/annotations.json:78:16

The Java test (DemoModelParityTest) redraws the same phantoms from their seeds, runs the ONNX model through the Java
detector, and requires the same boxes within 1 pixel and scores within 1e-3.
"""
import argparse
import json
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import letterbox, load_coco, load_grey, normalise, to_original  # noqa: E402
from model import DemoDetector  # noqa: E402

CONFIDENCE = 0.3
NMS_IOU = 0.5


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("sets", nargs="+", help="COCO_JSON:SEED:BIT_DEPTH")
    args = parser.parse_args()
    torch.set_num_threads(2)
    model = DemoDetector()
    model.load_state_dict(torch.load(os.path.join(args.model, "weights.pt")))
    model.eval()
    images = []
    for spec in args.sets:
        path, seed, depth = spec.rsplit(":", 2)
        coco = load_coco(path)
        root = os.path.dirname(os.path.abspath(path))
        for index, im in enumerate(coco["images"]):
            canvas, geometry = letterbox(load_grey(os.path.join(root, im["file_name"])))
            with torch.no_grad():
                out = model(normalise(canvas)[None, None])[0]
            boxes, scores = out[:, :4], out[:, 4:]
            loc, cls = (scores >= CONFIDENCE).nonzero(as_tuple=True)
            b, s = boxes[loc], scores[loc, cls]
            keep = torchvision.ops.batched_nms(b, s, cls, NMS_IOU)[:300]
            mapped = to_original(b[keep], geometry)
            detections = [{"classId": int(c), "score": float(v), "box": [float(x) for x in bb]}
                          for c, v, bb in zip(cls[keep], s[keep], mapped)]
            images.append({"seed": int(seed), "index": index, "bitDepth": int(depth),
                           "width": im["width"], "height": im["height"], "detections": detections})
    with open(args.out, "w") as f:
        json.dump({"confidence": CONFIDENCE, "nmsIou": NMS_IOU, "images": images}, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}: {len(images)} images, {sum(len(i['detections']) for i in images)} detections")


if __name__ == "__main__":
    main()

"""Precision and recall of the demo model at several confidence thresholds (IoU >= 0.5, NMS 0.5), to choose the
manifest's default threshold.

    /usr/bin/python3 training/operating_point.py models/demo training/work/heldout/annotations.json
"""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import letterbox, load_coco, load_grey, normalise, to_original  # noqa: E402
from model import DemoDetector  # noqa: E402


def main(model_dir, coco_path):
    torch.set_num_threads(2)
    model = DemoDetector()
    model.load_state_dict(torch.load(os.path.join(model_dir, "weights.pt")))
    model.eval()
    coco = load_coco(coco_path)
    root = os.path.dirname(os.path.abspath(coco_path))
    truth = {}
    for a in coco["annotations"]:
        x, y, w, h = a["bbox"]
        truth.setdefault(a["image_id"], []).append((a["category_id"] - 1, torch.tensor([x, y, x + w, y + h])))
    thresholds = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
    counts = {t: [0, 0, 0] for t in thresholds}  # tp, fp, fn
    for im in coco["images"]:
        canvas, geometry = letterbox(load_grey(os.path.join(root, im["file_name"])))
        with torch.no_grad():
            out = model(normalise(canvas)[None, None])[0]
        for t in thresholds:
            loc, cls = (out[:, 4:] >= t).nonzero(as_tuple=True)
            boxes, scores = out[loc, :4], out[loc, 4 + cls]
            keep = torchvision.ops.batched_nms(boxes, scores, cls, 0.5)
            boxes, cls = to_original(boxes[keep], geometry), cls[keep]
            gts = truth.get(im["id"], [])
            used = set()
            for b, c in zip(boxes, cls):
                best, best_iou = None, 0.5
                for j, (gc, gb) in enumerate(gts):
                    if gc == int(c) and j not in used:
                        iou = float(torchvision.ops.box_iou(b[None], gb[None])[0, 0])
                        if iou >= best_iou:
                            best, best_iou = j, iou
                if best is None:
                    counts[t][1] += 1
                else:
                    used.add(best)
                    counts[t][0] += 1
            counts[t][2] += len(gts) - len(used)
    print("| confidence | precision | recall | false positives per image |")
    print("|---|---|---|---|")
    for t in thresholds:
        tp, fp, fn = counts[t]
        print(f"| {t:.1f} | {tp / max(1, tp + fp):.3f} | {tp / max(1, tp + fn):.3f} | {fp / len(coco['images']):.3f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

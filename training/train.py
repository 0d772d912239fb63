"""Trains the demo detector and exports it to ONNX: on generated phantoms, or on the data mart's reviewed labels.

    /usr/bin/python3 training/train.py --train training/work/train/annotations.json \
        --val training/work/val/annotations.json --out models/demo --epochs 20 --threads 2

    # Retrain from what radiologists reviewed: the data mart's train and val splits, its images
    /usr/bin/python3 training/train.py --datamart data/datamart --out training/work/retrained --epochs 20 --threads 2

CPU only. Debian's torch starts with one thread, so the thread count is set explicitly.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CLASS_NAMES, INPUT_SIZE, INTENSITY, letterbox, load_coco, load_grey, MEAN, STD  # noqa: E402
from model import DemoDetector, STRIDE  # noqa: E402


def class_of_category(coco, coco_path):
    """The model's class index of each COCO category, by name: a data mart's categories are the union of the classes
    of the models that made its boxes, so their ids need not be the class order."""
    index = {}
    for category in coco["categories"]:
        if category["name"] not in CLASS_NAMES:
            sys.exit(f"{coco_path}: category '{category['name']}' is not a class of this model ({', '.join(CLASS_NAMES)})")
        index[category["id"]] = CLASS_NAMES.index(category["name"])
    return index


def load_split(coco_path, image_root=None):
    """Letterboxed images as uint8 [N, 1, S, S] and their boxes in input pixels (class index 0..C-1). Image file names
    are relative to `image_root` (a data mart's folder), by default to the COCO file's folder."""
    coco = load_coco(coco_path)
    root = image_root or os.path.dirname(os.path.abspath(coco_path))
    classes = class_of_category(coco, coco_path)
    by_image = {}
    for a in coco["annotations"]:
        by_image.setdefault(a["image_id"], []).append(a)
    images = np.zeros((len(coco["images"]), 1, INPUT_SIZE, INPUT_SIZE), dtype=np.uint8)
    targets = []
    for i, im in enumerate(coco["images"]):
        canvas, (w, h, nw, nh, px, py) = letterbox(load_grey(os.path.join(root, im["file_name"])))
        images[i, 0] = np.clip(canvas.numpy() * 255.0 + 0.5, 0, 255).astype(np.uint8)
        boxes = []
        for a in by_image.get(im["id"], []):
            x, y, bw, bh = a["bbox"]
            sx, sy = nw / w, nh / h
            boxes.append([x * sx + px, y * sy + py, (x + bw) * sx + px, (y + bh) * sy + py, classes[a["category_id"]]])
        targets.append(torch.tensor(boxes, dtype=torch.float32).reshape(-1, 5))
        if (i + 1) % 1000 == 0:
            print(f"  loaded {i + 1} images", flush=True)
    return torch.from_numpy(images), targets


def assign(targets, centres, num_classes):
    """FCOS assignment at one level: a location is positive for the smallest box that holds it near its centre."""
    n = centres.shape[0]
    cls_t = torch.zeros(len(targets), n, num_classes)
    box_t = torch.zeros(len(targets), n, 4)
    pos = torch.zeros(len(targets), n, dtype=torch.bool)
    radius = 1.5 * STRIDE
    for b, t in enumerate(targets):
        if t.numel() == 0:
            continue
        x, y = centres[:, 0:1], centres[:, 1:2]
        l = x - t[:, 0]
        top = y - t[:, 1]
        r = t[:, 2] - x
        bot = t[:, 3] - y
        inside = torch.stack([l, top, r, bot], -1).min(-1).values > 0
        cx = (t[:, 0] + t[:, 2]) / 2
        cy = (t[:, 1] + t[:, 3]) / 2
        near = ((x - cx).abs() < radius) & ((y - cy).abs() < radius)
        ok = inside & near
        area = ((t[:, 2] - t[:, 0]) * (t[:, 3] - t[:, 1])).expand(n, -1).clone()
        area[~ok] = float("inf")
        best_area, best = area.min(1)
        p = torch.isfinite(best_area)
        pos[b] = p
        chosen = t[best]
        cls_t[b, p, chosen[p, 4].long()] = 1.0
        box_t[b] = chosen[:, :4]
    return cls_t, box_t, pos


def giou_loss(pred, target):
    ix1 = torch.max(pred[:, 0], target[:, 0])
    iy1 = torch.max(pred[:, 1], target[:, 1])
    ix2 = torch.min(pred[:, 2], target[:, 2])
    iy2 = torch.min(pred[:, 3], target[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    ap = (pred[:, 2] - pred[:, 0]) * (pred[:, 3] - pred[:, 1])
    at = (target[:, 2] - target[:, 0]) * (target[:, 3] - target[:, 1])
    union = ap + at - inter + 1e-6
    iou = inter / union
    ex1 = torch.min(pred[:, 0], target[:, 0])
    ey1 = torch.min(pred[:, 1], target[:, 1])
    ex2 = torch.max(pred[:, 2], target[:, 2])
    ey2 = torch.max(pred[:, 3], target[:, 3])
    enclose = (ex2 - ex1) * (ey2 - ey1) + 1e-6
    return 1 - (iou - (enclose - union) / enclose)


def losses(model, x, targets):
    logits, dist, ctr_logit = model.raw(x)
    centres = model.centres
    cls_t, box_t, pos = assign(targets, centres, model.num_classes)
    num_pos = max(1.0, float(pos.sum()))
    focal = torchvision.ops.sigmoid_focal_loss(logits, cls_t, alpha=0.25, gamma=2.0, reduction="sum") / num_pos
    if pos.any():
        c = centres.unsqueeze(0).expand(x.shape[0], -1, -1)[pos]
        d = dist[pos]
        pred = torch.cat([c - d[:, :2], c + d[:, 2:]], -1)
        tgt = box_t[pos]
        l = c[:, 0] - tgt[:, 0]
        t = c[:, 1] - tgt[:, 1]
        r = tgt[:, 2] - c[:, 0]
        b = tgt[:, 3] - c[:, 1]
        ctr_t = torch.sqrt((torch.min(l, r) / torch.max(l, r)) * (torch.min(t, b) / torch.max(t, b)))
        reg = (giou_loss(pred, tgt) * ctr_t).sum() / ctr_t.sum().clamp(min=1e-6)
        ctr = F.binary_cross_entropy_with_logits(ctr_logit[pos], ctr_t, reduction="sum") / num_pos
    else:
        reg = ctr = logits.sum() * 0
    return focal, reg, ctr


def augment(batch_u8):
    """Exposure jitter on the letterboxed images: contrast, brightness, gamma and noise, as films vary."""
    x = batch_u8.float() / 255.0
    b = x.shape[0]
    contrast = torch.empty(b, 1, 1, 1).uniform_(0.8, 1.2)
    bright = torch.empty(b, 1, 1, 1).uniform_(-0.06, 0.06)
    gamma = torch.empty(b, 1, 1, 1).uniform_(0.85, 1.18)
    x = ((x * contrast + bright).clamp(0, 1)) ** gamma
    x = x + torch.randn_like(x) * torch.empty(b, 1, 1, 1).uniform_(0, 0.015)
    return (x.clamp(0, 1) - MEAN) / STD


@torch.no_grad()
def predict(model, x, conf=0.05, iou=0.5):
    out = model(x)
    results = []
    for o in out:
        boxes, scores = o[:, :4], o[:, 4:]
        keep_score, keep_cls = scores.max(1)  # one class per location is enough for a quick validation AP
        m = keep_score >= conf
        b, s, c = boxes[m], keep_score[m], keep_cls[m]
        k = torchvision.ops.batched_nms(b, s, c, iou)
        results.append((b[k], s[k], c[k]))
    return results


def average_precision_50(model, images, targets, num_classes):
    model.eval()
    preds = []
    for i in range(0, len(images), 64):
        preds.extend(predict(model, (images[i:i + 64].float() / 255.0 - MEAN) / STD))
    aps = []
    for c in range(num_classes):
        dets = []
        n_gt = 0
        for img_i, (p, t) in enumerate(zip(preds, targets)):
            gt = t[t[:, 4] == c][:, :4]
            n_gt += len(gt)
            b, s, k = p
            for box, score in zip(b[k == c], s[k == c]):
                dets.append((float(score), img_i, box))
        dets.sort(key=lambda d: -d[0])
        used = {}
        tp = []
        for score, img_i, box in dets:
            t = targets[img_i]
            gt = t[t[:, 4] == c][:, :4]
            if len(gt) == 0:
                tp.append(0)
                continue
            ious = torchvision.ops.box_iou(box[None], gt)[0]
            j = int(ious.argmax())
            flags = used.setdefault(img_i, set())
            if ious[j] >= 0.5 and j not in flags:
                flags.add(j)
                tp.append(1)
            else:
                tp.append(0)
        if n_gt == 0:
            continue
        tp = np.array(tp, dtype=np.float64)
        ctp = np.cumsum(tp)
        recall = ctp / n_gt
        precision = ctp / np.arange(1, len(tp) + 1)
        ap = 0.0
        for r in np.linspace(0, 1, 101):
            p = precision[recall >= r]
            ap += (p.max() if len(p) else 0.0) / 101
        aps.append(ap)
    model.train()
    return aps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", help="COCO annotations of the training images")
    parser.add_argument("--val", help="COCO annotations of the validation images")
    parser.add_argument("--datamart", help="a data mart folder: its reviewed train and val splits, images relative to it")
    parser.add_argument("--image-root", help="folder the file names are relative to (default: each COCO file's folder)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--default-confidence", type=float, default=0.4)
    args = parser.parse_args()
    if args.datamart:
        if args.train or args.val:
            parser.error("give --datamart, or --train and --val, not both")
        args.train = os.path.join(args.datamart, "annotations", "train.json")
        args.val = os.path.join(args.datamart, "annotations", "val.json")
        args.image_root = args.image_root or args.datamart
    elif not (args.train and args.val):
        parser.error("give --train and --val, or --datamart")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    started = time.time()

    print("loading training set", flush=True)
    train_x, train_t = load_split(args.train, args.image_root)
    val_x, val_t = load_split(args.val, args.image_root)
    if len(train_x) == 0 or len(val_x) == 0:
        sys.exit(f"nothing to train on: {len(train_x)} training and {len(val_x)} validation images (a data mart holds reviewed images only)")
    print(f"loaded {len(train_x)} training and {len(val_x)} validation images in {time.time() - started:.0f}s", flush=True)

    model = DemoDetector(num_classes=len(CLASS_NAMES), input_size=INPUT_SIZE)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(train_x) / args.batch)
    total = steps_per_epoch * args.epochs
    warmup = min(300, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, total - warmup))))
    step = 0
    for epoch in range(args.epochs):
        perm = torch.randperm(len(train_x))
        sums = np.zeros(3)
        for i in range(0, len(perm), args.batch):
            idx = perm[i:i + args.batch]
            x = augment(train_x[idx])
            focal, reg, ctr = losses(model, x, [train_t[j] for j in idx])
            loss = focal + 2.0 * reg + ctr
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            sched.step()
            step += 1
            sums += [focal.item(), reg.item(), ctr.item()]
        n = steps_per_epoch
        msg = f"epoch {epoch + 1}/{args.epochs} focal {sums[0] / n:.4f} giou {sums[1] / n:.4f} ctr {sums[2] / n:.4f} ({time.time() - started:.0f}s)"
        if (epoch + 1) % 5 == 0 or epoch + 1 == args.epochs:
            aps = average_precision_50(model, val_x, val_t, len(CLASS_NAMES))
            msg += " val AP50 " + " ".join(f"{a:.3f}" for a in aps) + f" mAP50 {np.mean(aps):.3f}"
        print(msg, flush=True)

    os.makedirs(args.out, exist_ok=True)
    model.eval()
    torch.save(model.state_dict(), os.path.join(args.out, "weights.pt"))
    dummy = torch.zeros(1, 1, INPUT_SIZE, INPUT_SIZE)
    torch.onnx.export(model, dummy, os.path.join(args.out, "model.onnx"), input_names=["image"],
                      output_names=["detections"], dynamic_axes={"image": {0: "batch"}, "detections": {0: "batch"}},
                      opset_version=13, do_constant_folding=True)
    write_manifest(args.out, args.default_confidence)
    print(f"exported {args.out}/model.onnx after {time.time() - started:.0f}s", flush=True)


COLOURS = [[59, 238, 119], [206, 221, 133], [0, 0, 255], [211, 176, 166], [102, 65, 77]]


def write_manifest(out, default_confidence):
    manifest = {
        "name": "cxr-demo-phantom",
        "version": "1.0.0",
        "description": "Demo detector trained on synthetic chest radiograph phantoms only. Not for clinical use.",
        "classes": [{"name": n, "color": c} for n, c in zip(CLASS_NAMES, COLOURS)],
        "input": {"name": "image", "layout": "NCHW", "width": INPUT_SIZE, "height": INPUT_SIZE, "color": "GRAYSCALE",
                  "resize": "LETTERBOX", "padValue": 0.0, "scale": 1.0, "mean": [MEAN], "std": [STD],
                  "intensity": INTENSITY},
        "output": {"decoder": "DEMO", "tensors": ["detections"]},
        "defaults": {"confidence": default_confidence, "nmsIou": 0.5},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()

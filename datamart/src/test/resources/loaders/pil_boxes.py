"""Reads a COCO split as torchvision's CocoDetection does (json + PIL, no EXIF transpose) and prints, per annotation,
the image size PIL sees and the mean grey level inside and outside the box: a loader's view of whether boxes and
pixels line up. Usage: pil_boxes.py DATASET_ROOT ANNOTATION_FILE"""
import json
import os
import sys

from PIL import Image

root, annotation_file = sys.argv[1], sys.argv[2]
with open(annotation_file) as f:
    coco = json.load(f)
images = {image["id"]: image for image in coco["images"]}
for annotation in coco["annotations"]:
    image = images[annotation["image_id"]]
    picture = Image.open(os.path.join(root, image["file_name"])).convert("L")
    x, y, w, h = annotation["bbox"]
    inside = picture.crop((int(x), int(y), int(x + w), int(y + h)))
    total = sum(picture.getdata())
    inside_sum = sum(inside.getdata())
    inside_count = inside.size[0] * inside.size[1]
    outside_count = picture.size[0] * picture.size[1] - inside_count
    print(json.dumps({
        "annotation": annotation["id"],
        "file_name": image["file_name"],
        "coco_size": [image["width"], image["height"]],
        "pil_size": list(picture.size),
        "inside": inside_sum / max(1, inside_count),
        "outside": (total - inside_sum) / max(1, outside_count),
    }))

// Re-filtering on the page: the same rule the server applies (score at or above the threshold, then greedy per-class
// NMS dropping a box whose IoU with a kept box of its class is above the threshold).

function iou(a, b) {
  const w = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
  const h = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r) => Math.max(0, r.xMax - r.xMin) * Math.max(0, r.yMax - r.yMin);
  const union = area(a) + area(b) - inter;
  return union <= 0 ? 0 : inter / union;
}

export function refilter(candidates, confidence, nmsIou) {
  const sorted = candidates.filter((d) => d.score >= confidence).sort((a, b) => b.score - a.score);
  const kept = [];
  for (const d of sorted) {
    if (!kept.some((k) => k.classId === d.classId && iou(k.box, d.box) > nmsIou)) kept.push(d);
  }
  return kept;
}

// Draws an image and its boxes, coloured per class, with a label on each box: class name and score, or what a review
// says of the box.

function rgbOf(model, classId) {
  return model.classes[classId]?.color ?? [255, 0, 0];
}

export function colourOf(model, classId) {
  const c = rgbOf(model, classId);
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

// Black on light class colours, white on dark ones (a blue or a dark red label with black text cannot be read).
function textColourOn(model, classId) {
  const c = rgbOf(model, classId);
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255 < 0.5 ? '#fff' : '#000';
}

/** The image at its natural size, and the sizes of lines and labels that read well at that size. */
function start(canvas, image) {
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const line = Math.max(2, Math.round(canvas.width / 300));
  const fontSize = Math.max(12, Math.round(canvas.width / 45));
  ctx.font = `${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  return { ctx, line, fontSize };
}

const overlaps = (a, b) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

// The label above the box (below its top edge when there is no room above), kept inside the image; where that would
// cover a label drawn before (`placed`), inside the box's top, or below or inside its bottom, whichever is free.
function label(canvas, ctx, fontSize, model, classId, box, text, placed) {
  const width = ctx.measureText(text).width + 8;
  const height = fontSize + 4;
  const left = Math.max(0, Math.min(box.xMin, canvas.width - width)); // a box at the right edge keeps its label inside
  const bottoms = [box.yMin - height < 0 ? box.yMin + height : box.yMin, box.yMin + height, box.yMax + height, box.yMax];
  const spots = bottoms.filter((bottom) => bottom - height >= 0 && bottom <= canvas.height).map((bottom) => ({ left, top: bottom - height, width, height }));
  const spot = spots.find((candidate) => !placed.some((other) => overlaps(candidate, other))) ?? spots[0] ?? { left, top: bottoms[0] - height, width, height };
  placed.push(spot);
  ctx.fillStyle = colourOf(model, classId);
  ctx.fillRect(spot.left, spot.top, width, height);
  ctx.fillStyle = textColourOn(model, classId);
  ctx.fillText(text, spot.left + 4, spot.top + height - 2);
}

const scoreLabel = (d) => `${d.className} ${d.score.toFixed(2)}`;

/** The image with these boxes; `text` names each box (class name and score unless told otherwise). */
export function draw(canvas, image, detections, model, text = scoreLabel) {
  const { ctx, line, fontSize } = start(canvas, image);
  const placed = [];
  for (const d of detections) {
    const { xMin, yMin, xMax, yMax } = d.box;
    ctx.lineWidth = line;
    ctx.strokeStyle = colourOf(model, d.classId);
    ctx.strokeRect(xMin, yMin, xMax - xMin, yMax - yMin);
    label(canvas, ctx, fontSize, model, d.classId, d.box, text(d), placed);
  }
}

/** Where a box's corners are, for drawing handles on them and for finding the one under the pointer. */
export const CORNERS = ['top-left', 'top-right', 'bottom-right', 'bottom-left'];

export function cornerPoint(box, corner) {
  return {
    x: corner.endsWith('left') ? box.xMin : box.xMax,
    y: corner.startsWith('top') ? box.yMin : box.yMax,
  };
}

/**
 * The boxes of a review being made: each `{ classId, box, decision, text }`. A box still to decide is dashed, a
 * rejected one dashed and faded; the selected one is drawn last, outlined, with a square handle on each corner
 * (`handle` image pixels wide, so that it has the same size on screen whatever the image's scale).
 */
export function drawReview(canvas, image, items, model, selected, handle) {
  const { ctx, line, fontSize } = start(canvas, image);
  const placed = [];
  const order = items.map((item, index) => index).filter((index) => index !== selected);
  if (selected !== null && items[selected]) order.push(selected);
  for (const index of order) {
    const item = items[index];
    const { xMin, yMin, xMax, yMax } = item.box;
    const colour = colourOf(model, item.classId);
    ctx.save();
    if (item.decision === 'rejected') ctx.globalAlpha = 0.45;
    if (item.decision === null || item.decision === 'rejected') ctx.setLineDash([line * 4, line * 2]);
    if (index === selected) {
      ctx.lineWidth = line * 3;
      ctx.strokeStyle = '#fff';
      ctx.strokeRect(xMin, yMin, xMax - xMin, yMax - yMin);
    }
    ctx.lineWidth = index === selected ? line * 1.5 : line;
    ctx.strokeStyle = colour;
    ctx.strokeRect(xMin, yMin, xMax - xMin, yMax - yMin);
    ctx.setLineDash([]);
    label(canvas, ctx, fontSize, model, item.classId, item.box, item.text, placed);
    if (index === selected) {
      for (const corner of CORNERS) {
        const p = cornerPoint(item.box, corner);
        ctx.fillStyle = '#fff';
        ctx.fillRect(p.x - handle / 2, p.y - handle / 2, handle, handle);
        ctx.lineWidth = Math.max(1, handle / 6);
        ctx.strokeStyle = colour;
        ctx.strokeRect(p.x - handle / 2, p.y - handle / 2, handle, handle);
      }
    }
    ctx.restore();
  }
}

// Draws an image and its boxes, coloured per class, with class name and score on each box.

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

export function draw(canvas, image, detections, model) {
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const line = Math.max(2, Math.round(canvas.width / 300));
  const fontSize = Math.max(12, Math.round(canvas.width / 45));
  ctx.font = `${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  for (const d of detections) {
    const colour = colourOf(model, d.classId);
    const { xMin, yMin, xMax, yMax } = d.box;
    ctx.lineWidth = line;
    ctx.strokeStyle = colour;
    ctx.strokeRect(xMin, yMin, xMax - xMin, yMax - yMin);
    const label = `${d.className} ${d.score.toFixed(2)}`;
    const width = ctx.measureText(label).width + 8;
    const top = yMin - fontSize - 4 < 0 ? yMin + fontSize + 4 : yMin;
    const left = Math.max(0, Math.min(xMin, canvas.width - width)); // a box at the right edge keeps its label inside
    ctx.fillStyle = colour;
    ctx.fillRect(left, top - fontSize - 4, width, fontSize + 4);
    ctx.fillStyle = textColourOn(model, d.classId);
    ctx.fillText(label, left + 4, top - 2);
  }
}

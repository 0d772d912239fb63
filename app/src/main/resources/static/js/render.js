// Draws an image and its boxes, coloured per class, with class name and score on each box.

export function colourOf(model, classId) {
  const c = model.classes[classId]?.color ?? [255, 0, 0];
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
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
    ctx.fillStyle = colour;
    ctx.fillRect(xMin, top - fontSize - 4, width, fontSize + 4);
    ctx.fillStyle = '#000';
    ctx.fillText(label, xMin + 4, top - 2);
  }
}

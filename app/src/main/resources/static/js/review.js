// A radiologist's review of one inference, made on the annotated image: select a box (click it, or n), accept or
// reject it (a, r), drag its corners to correct it, pick its class, draw the boxes the model missed; one request then
// stores a decision for every box the model stored and the boxes added. Also how a stored review reads: who, when,
// and where each finding it leaves came from.
import * as api from './api.js';
import { CORNERS, colourOf, cornerPoint, drawReview } from './render.js';

const $ = (id) => document.getElementById(id);
/** Corner handles are this many CSS pixels wide on screen; a press this close to a corner grabs it. */
const HANDLE_CSS = 12;
const GRAB_CSS = 10;
/** A press that moves less than this (CSS pixels) is a click, never a drag: a click corrects nothing. */
const DRAG_CSS = 3;
/** A box drawn smaller than this (image pixels, either side) is taken for a slip, not a finding. */
const MIN_BOX = 4;
const SIDES = ['xMin', 'yMin', 'xMax', 'yMax'];

/**
 * The review being made, or null: the inference, the model, one item per box (the model's, in the inference's order,
 * then the added ones), the selected item's index, whether a press draws a new box, the drag under way, the class a
 * new box gets, and what to do once it is stored or cancelled.
 */
let review = null;

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
const sameBox = (a, b) => SIDES.every((side) => Math.abs(a[side] - b[side]) < 0.05);
const roundBox = (box) => Object.fromEntries(SIDES.map((side) => [side, Math.round(box[side] * 10) / 10]));
const corners = (box) => SIDES.map((side) => Math.round(box[side])).join(', ');

export function isReviewing() {
  return review !== null;
}

/** What the review says of a box: accepted, rejected, corrected (its class or box changed), added, or null (undecided). */
function decisionOf(item) {
  if (!item.original) return 'added';
  if (item.verdict === 'rejected') return 'rejected';
  if (item.classId !== item.original.classId || !sameBox(item.box, item.original.box)) return 'corrected';
  return item.verdict;
}

function className(classId) {
  return review.model.classes[classId]?.name ?? `class ${classId}`;
}

function itemName(item, index) {
  const score = item.original ? ` ${item.original.score.toFixed(2)}` : '';
  return `${index + 1} ${className(item.classId)}${score}`;
}

const undecided = () => review.items.filter((item) => decisionOf(item) === null);

// ---- the image: CSS pixels on screen, image pixels on the canvas

function canvas() {
  return $('annotated');
}

/** Image pixels per CSS pixel: the canvas holds the image at its natural size, and CSS scales it to the page. */
function scale() {
  const image = $('original');
  const rect = canvas().getBoundingClientRect();
  return rect.width > 0 && image.naturalWidth ? image.naturalWidth / rect.width : 1;
}

/** The pointer's position in image pixels, inside the image. */
function imagePoint(event) {
  const c = canvas();
  const rect = c.getBoundingClientRect();
  return {
    x: clamp((event.clientX - rect.left) * (c.width / rect.width), 0, c.width),
    y: clamp((event.clientY - rect.top) * (c.height / rect.height), 0, c.height),
  };
}

function spanning(a, b) {
  return { xMin: Math.min(a.x, b.x), yMin: Math.min(a.y, b.y), xMax: Math.max(a.x, b.x), yMax: Math.max(a.y, b.y) };
}

/** The box with one corner moved to p; the opposite corner stays where it was (dragged past it, the box turns over). */
function withCorner(box, corner, p) {
  const fixed = { x: corner.endsWith('left') ? box.xMax : box.xMin, y: corner.startsWith('top') ? box.yMax : box.yMin };
  return spanning(fixed, p);
}

function movedBy(box, dx, dy) {
  const c = canvas();
  const x = clamp(dx, -box.xMin, c.width - box.xMax);
  const y = clamp(dy, -box.yMin, c.height - box.yMax);
  return { xMin: box.xMin + x, yMin: box.yMin + y, xMax: box.xMax + x, yMax: box.yMax + y };
}

/** The selected box's corner within reach of p, if any. */
function cornerAt(p) {
  if (review.selected === null) return null;
  const box = review.items[review.selected].box;
  const reach = GRAB_CSS * scale();
  let best = null;
  for (const corner of CORNERS) {
    const c = cornerPoint(box, corner);
    const distance = Math.hypot(c.x - p.x, c.y - p.y);
    if (distance <= reach && (!best || distance < best.distance)) best = { corner, distance };
  }
  return best?.corner ?? null;
}

/** The smallest box under p, so that a box inside a larger one can still be picked. */
function boxAt(p) {
  let best = null;
  let bestArea = Infinity;
  review.items.forEach((item, index) => {
    const b = item.box;
    const area = (b.xMax - b.xMin) * (b.yMax - b.yMin);
    if (p.x >= b.xMin && p.x <= b.xMax && p.y >= b.yMin && p.y <= b.yMax && area < bestArea) {
      best = index;
      bestArea = area;
    }
  });
  return best;
}

/** Draws the review's boxes over the image; the image's load event calls it too (through the page's paint). */
export function paintReview() {
  const image = $('original');
  if (!review || !image.complete || !image.naturalWidth) return;
  const items = review.items.map((item, index) => {
    const decision = decisionOf(item);
    return { classId: item.classId, box: item.box, decision, text: `${itemName(item, index)} · ${decision ?? 'to decide'}` };
  });
  drawReview(canvas(), image, items, review.model, review.selected, HANDLE_CSS * scale());
}

// ---- the panel beside the image

function showReviewError(message) {
  $('review-error').textContent = message;
  $('review-error').hidden = !message;
}

function itemButton(item, index) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  const decision = decisionOf(item);
  button.type = 'button';
  button.className = `review-item decision-${decision ?? 'undecided'}`;
  button.dataset.index = String(index);
  if (item.predictedBoxId !== null) button.dataset.predictedBoxId = String(item.predictedBoxId);
  button.dataset.decision = decision ?? 'undecided';
  if (index === review.selected) button.setAttribute('aria-current', 'true');
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.background = colourOf(review.model, item.classId);
  const name = document.createElement('span');
  name.className = 'review-item-name';
  name.textContent = itemName(item, index);
  if (decision === 'corrected' && item.classId !== item.original.classId) name.textContent += ` (was ${className(item.original.classId)})`;
  const word = document.createElement('span');
  word.className = 'review-item-decision';
  word.textContent = decision ?? 'to decide';
  button.append(swatch, name, word);
  button.addEventListener('click', () => select(index));
  li.append(button);
  return li;
}

function renderPanel() {
  const item = review.selected === null ? null : review.items[review.selected];
  $('review-items').replaceChildren(...review.items.map(itemButton));
  const predicted = review.items.filter((i) => i.original);
  $('review-none').hidden = review.inference.detections.length > 0;
  $('review-accept').disabled = !item || !item.original;
  $('review-reject').disabled = !item || !item.original;
  $('review-next').disabled = review.items.length === 0;
  $('review-restore').hidden = !item || !item.original || decisionOf(item) !== 'corrected';
  $('review-remove').hidden = !item || Boolean(item.original);
  $('review-add').setAttribute('aria-pressed', String(review.adding));
  $('review-add').textContent = review.adding ? 'Drawing: drag on the image (Esc stops)' : 'Add finding';
  $('review-class').value = String(item ? item.classId : review.newClass);
  $('review-class-label').textContent = item ? `Class of box ${review.selected + 1}` : 'Class of a new finding';
  canvas().classList.toggle('adding', review.adding);

  const left = undecided();
  const added = review.items.length - predicted.length;
  const parts = [];
  if (predicted.length > 0) {
    parts.push(left.length === 0
      ? `Every box the model found is decided (${predicted.length}).`
      : `${predicted.length - left.length} of ${predicted.length} boxes decided; still to decide: `
        + left.map((i) => itemName(i, review.items.indexOf(i))).join(', ') + '.');
  }
  if (added > 0) parts.push(`${added} finding${added === 1 ? '' : 's'} added.`);
  $('review-progress').textContent = parts.join(' ');
  $('review-progress').classList.toggle('undecided', left.length > 0);
  // With no box at all, the only review is "no findings"; with boxes, their decisions are submitted.
  $('review-submit').hidden = review.items.length === 0;
  $('review-no-findings').hidden = review.items.length > 0;
  $('review-submit').textContent = left.length === 0 ? 'Submit review' : `Submit review (${left.length} to decide)`;
  for (const id of ['review-submit', 'review-no-findings']) $(id).disabled = review.sending;
}

/** After every change: a complaint about the review as it was no longer holds. */
function changed() {
  showReviewError('');
  renderPanel();
  paintReview();
}

function select(index) {
  if (!review) return;
  review.selected = index;
  review.adding = false;
  changed();
}

function decide(verdict) {
  const item = review.selected === null ? null : review.items[review.selected];
  if (!item || !item.original) return;
  item.verdict = verdict;
  changed();
}

/** The next box still to decide after the selected one, or, with every box decided, simply the next box. */
function nextBox() {
  const count = review.items.length;
  if (count === 0) return;
  const from = review.selected ?? -1;
  for (let step = 1; step <= count; step++) {
    const index = (from + step) % count;
    if (decisionOf(review.items[index]) === null) {
      select(index);
      return;
    }
  }
  select((from + 1) % count);
}

function setClass(classId) {
  if (!(classId >= 0 && classId < review.model.classes.length)) return;
  const item = review.selected === null ? null : review.items[review.selected];
  if (item) {
    item.classId = classId;
    if (item.verdict === 'rejected') item.verdict = null; // a box given a class is kept: it is corrected
  }
  review.newClass = classId;
  changed();
}

function restore() {
  const item = review.selected === null ? null : review.items[review.selected];
  if (!item || !item.original) return;
  item.classId = item.original.classId;
  item.box = { ...item.original.box };
  item.verdict = null;
  changed();
}

function removeAdded() {
  const item = review.selected === null ? null : review.items[review.selected];
  if (!item || item.original) return;
  review.items.splice(review.selected, 1);
  review.selected = null;
  changed();
}

// ---- the pointer on the image

function onPointerDown(event) {
  if (!review || event.button !== 0 || review.sending) return;
  const p = imagePoint(event);
  const drag = { from: p, x: event.clientX, y: event.clientY, moved: false };
  if (review.adding) {
    review.drag = { ...drag, kind: 'new', index: null };
  } else {
    const corner = cornerAt(p);
    const index = corner ? review.selected : boxAt(p);
    if (index === null || (!corner && index !== review.selected)) {
      select(index); // a click on another box selects it, a click beside every box selects none
      return;
    }
    const box = review.items[index].box;
    const grabbed = corner ? cornerPoint(box, corner) : p;
    review.drag = { ...drag, kind: corner ? 'corner' : 'move', corner, index, box: { ...box }, offset: { x: grabbed.x - p.x, y: grabbed.y - p.y } };
  }
  canvas().setPointerCapture(event.pointerId);
  event.preventDefault();
}

function hoverCursor(event) {
  if (!review) return;
  const p = imagePoint(event);
  const corner = review.adding ? null : cornerAt(p);
  const index = review.adding || corner ? null : boxAt(p);
  let cursor = '';
  if (review.adding) cursor = 'crosshair';
  else if (corner) cursor = corner === 'top-left' || corner === 'bottom-right' ? 'nwse-resize' : 'nesw-resize';
  else if (index !== null) cursor = index === review.selected ? 'move' : 'pointer';
  canvas().style.cursor = cursor;
}

function onPointerMove(event) {
  const drag = review?.drag;
  if (!drag) {
    hoverCursor(event);
    return;
  }
  if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_CSS) return;
  const p = imagePoint(event);
  if (drag.kind === 'new') {
    if (!drag.moved) {
      review.items.push({ predictedBoxId: null, original: null, classId: review.newClass, box: spanning(drag.from, p), verdict: null });
      drag.index = review.items.length - 1;
      review.selected = drag.index;
    }
    review.items[drag.index].box = spanning(drag.from, p);
  } else {
    const item = review.items[drag.index];
    const c = canvas();
    const at = { x: clamp(p.x + drag.offset.x, 0, c.width), y: clamp(p.y + drag.offset.y, 0, c.height) };
    item.box = drag.kind === 'corner' ? withCorner(drag.box, drag.corner, at) : movedBy(drag.box, p.x - drag.from.x, p.y - drag.from.y);
    if (item.verdict === 'rejected') item.verdict = null; // a box moved into place is kept: it is corrected
  }
  drag.moved = true;
  paintReview();
}

function onPointerUp(event) {
  const drag = review?.drag;
  if (!drag) return;
  review.drag = null;
  if (canvas().hasPointerCapture(event.pointerId)) canvas().releasePointerCapture(event.pointerId);
  if (drag.kind === 'new' && drag.index !== null) {
    const box = review.items[drag.index].box;
    if (box.xMax - box.xMin < MIN_BOX || box.yMax - box.yMin < MIN_BOX) {
      review.items.splice(drag.index, 1);
      review.selected = null;
    } else {
      review.adding = false; // one box per "Add finding"
    }
  }
  changed();
}

// ---- keys

/** The review's keys; true when the key was one of them. */
export function reviewKey(event) {
  if (!review || review.sending) return false;
  const key = event.key;
  if (key === 'a') decide('accepted');
  else if (key === 'r') decide('rejected');
  else if (key === 'n') nextBox();
  else if (key === 'Escape') {
    if (review.adding) review.adding = false; else review.selected = null;
    changed();
  } else if (key === 'Delete' || key === 'Backspace') removeAdded();
  else if (/^[1-9]$/.test(key)) setClass(Number(key) - 1);
  else return false;
  return true;
}

// ---- submitting

/** One box of the request: what the API needs to know of its decision, and no more. */
function requestOf(item) {
  const decision = decisionOf(item);
  if (decision === 'accepted' || decision === 'rejected') return { predictedBoxId: item.predictedBoxId, decision };
  if (decision === 'added') return { decision, classId: item.classId, box: roundBox(item.box) };
  const corrected = { predictedBoxId: item.predictedBoxId, decision };
  if (item.classId !== item.original.classId) corrected.classId = item.classId;
  if (!sameBox(item.box, item.original.box)) corrected.box = roundBox(item.box);
  return corrected;
}

async function submit() {
  if (!review || review.sending) return;
  const left = undecided();
  if (left.length > 0) {
    select(review.items.indexOf(left[0]));
    showReviewError(`Decide every box the model found first: ${left.map((i) => itemName(i, review.items.indexOf(i))).join(', ')} `
      + `${left.length === 1 ? 'is' : 'are'} still to decide (accept with a, reject with r, or correct it).`);
    return;
  }
  const body = { boxes: review.items.map(requestOf) };
  const comment = $('review-comment').value.trim();
  if (comment) body.comment = comment;
  showReviewError('');
  review.sending = true;
  renderPanel();
  const current = review;
  try {
    const stored = await api.createReview(current.inference.inferenceId, body);
    if (review !== current) return;
    stopReview();
    current.submitted(stored);
  } catch (e) {
    if (review !== current) return;
    review.sending = false;
    renderPanel();
    showReviewError(e.message);
  }
}

// ---- starting and stopping

/** Once per page: the pointer on the image, the panel's buttons and the class picker. */
export function wireReview(model) {
  $('review-class').replaceChildren(...model.classes.map((c, id) => {
    const option = document.createElement('option');
    option.value = String(id);
    option.textContent = `${id + 1} ${c.name}`;
    return option;
  }));
  const c = canvas();
  c.addEventListener('pointerdown', onPointerDown);
  c.addEventListener('pointermove', onPointerMove);
  c.addEventListener('pointerup', onPointerUp);
  c.addEventListener('pointercancel', onPointerUp);
  c.addEventListener('pointerleave', () => { if (review && !review.drag) c.style.cursor = ''; });
  $('review-accept').addEventListener('click', () => decide('accepted'));
  $('review-reject').addEventListener('click', () => decide('rejected'));
  $('review-next').addEventListener('click', () => nextBox());
  $('review-restore').addEventListener('click', () => restore());
  $('review-remove').addEventListener('click', () => removeAdded());
  $('review-add').addEventListener('click', () => {
    review.adding = !review.adding;
    if (review.adding) review.selected = null;
    changed();
  });
  $('review-class').addEventListener('change', (event) => {
    setClass(Number(event.target.value));
    event.target.blur(); // the keys are the review's again, not the picker's
  });
  $('review-submit').addEventListener('click', () => submit());
  $('review-no-findings').addEventListener('click', () => submit());
  $('review-cancel').addEventListener('click', () => {
    const current = review;
    stopReview();
    current?.cancelled();
  });
}

/**
 * Starts a review of this inference: every box the model stored is still to decide, the first one selected. The
 * callbacks are told of the stored review, or that the reviewer cancelled.
 */
export function startReview(inference, model, { submitted, cancelled }) {
  review = {
    inference,
    model,
    items: inference.detections.map((d) => ({
      predictedBoxId: d.predictedBoxId,
      original: { classId: d.classId, box: { ...d.box }, score: d.score },
      classId: d.classId,
      box: { ...d.box },
      verdict: null,
    })),
    selected: inference.detections.length > 0 ? 0 : null,
    adding: false,
    drag: null,
    newClass: 0,
    sending: false,
    submitted,
    cancelled,
  };
  $('review-comment').value = '';
  $('panels').classList.add('reviewing');
  $('review-panel').hidden = false;
  changed();
}

export function stopReview() {
  review = null;
  $('panels').classList.remove('reviewing');
  $('review-panel').hidden = true;
  canvas().classList.remove('adding');
  canvas().style.cursor = '';
}

// ---- a stored review

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

const LINEAGE = {
  'model-accepted': 'the model\'s box, accepted',
  'model-corrected': 'the model\'s box, corrected',
  'radiologist-added': 'added by the radiologist (missed by the model)',
};

/**
 * The stored review under the image: who reviewed when, the comment, every finding it leaves with its lineage (and
 * the model's box it came from), the boxes it rejected; `earlier` is how many reviews it supersedes (null: not known).
 */
export function renderStoredReview(inference, stored, model, earlier) {
  const predicted = new Map(inference.detections.map((d) => [d.predictedBoxId, d]));
  const proposal = (id) => {
    const d = predicted.get(id);
    return d ? `${d.className} ${d.score.toFixed(2)} at ${corners(d.box)}` : `box ${id}`;
  };
  const superseded = earlier > 0 ? ` · supersedes ${earlier} earlier review${earlier === 1 ? '' : 's'}` : '';
  $('stored-review-meta').textContent = `Reviewed by ${stored.reviewer} on ${new Date(stored.reviewedAt).toLocaleString()} (review ${stored.reviewId})${superseded}`;
  $('stored-review-comment').textContent = stored.comment ? `Comment: ${stored.comment}` : '';
  $('stored-review-comment').hidden = !stored.comment;
  $('stored-review-normal').hidden = !stored.noFindings;
  $('stored-review-labels').hidden = stored.labels.length === 0;
  $('stored-review-labels').tBodies[0].replaceChildren(...stored.labels.map((label) => {
    const tr = document.createElement('tr');
    tr.className = `stored-label source-${label.source}`;
    const finding = document.createElement('td');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colourOf(model, label.classId);
    finding.append(swatch, ` ${label.className}`);
    tr.append(finding, cell(corners(label.box)), cell(LINEAGE[label.source] ?? label.source),
      cell(label.predictedBoxId === null ? '' : proposal(label.predictedBoxId)));
    return tr;
  }));
  const rejected = stored.boxes.filter((box) => box.decision === 'rejected');
  $('stored-review-rejected').textContent = rejected.length === 0 ? ''
    : `Rejected boxes of the model: ${rejected.map((box) => proposal(box.predictedBoxId)).join('; ')}.`;
  $('stored-review-rejected').hidden = rejected.length === 0;
  $('stored-review').hidden = false;
}

// The page: upload by drag and drop or picker, thresholds that re-filter without a new upload, the result side by
// side with the original, and the history of past uploads. A radiologist also reviews the result here (review.js),
// opens a study of the worklist (/?inference=ID&review=1) and goes on to the next one (n).
import * as api from './api.js';
import { roleNames, showUser, signOut } from './session.js';
import { refilter } from './filter.js';
import { colourOf, draw } from './render.js';
import { isReviewing, paintReview, renderStoredReview, reviewKey, startReview, stopReview, wireReview } from './review.js';

const PAGE = 24;
const $ = (id) => document.getElementById(id);

const state = {
  user: null,
  model: null,
  result: null,       // the inference shown
  candidates: null,   // boxes the page may re-filter (all above the floor for a fresh upload; the stored ones otherwise)
  shown: [],          // the boxes that pass the thresholds now: the table and the canvas
  next: null,        // cursor of the next history page
  shownRequest: 0,   // the newest upload or history click: only its answer may be shown
};

const isRadiologist = () => Boolean(state.user?.roles.includes('RADIOLOGIST'));

function showError(message) {
  const error = $('error');
  error.textContent = message;
  error.hidden = !message;
}

function setStatus(message) {
  $('status').textContent = message;
}

function thresholds() {
  return { confidence: Number($('confidence').value), nmsIou: Number($('nms-iou').value) };
}

function showThresholds() {
  const t = thresholds();
  $('confidence-value').textContent = t.confidence.toFixed(2);
  $('nms-iou-value').textContent = t.nmsIou.toFixed(2);
}

function renderLegend() {
  const legend = $('legend');
  legend.replaceChildren(...state.model.classes.map((c, id) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colourOf(state.model, id);
    li.append(swatch, document.createTextNode(c.name));
    return li;
  }));
}

function renderDetections(detections) {
  const rows = detections.map((d) => {
    const tr = document.createElement('tr');
    tr.className = 'detection';
    const b = d.box;
    for (const text of [d.className, d.score.toFixed(3), [b.xMin, b.yMin, b.xMax, b.yMax].map((v) => Math.round(v)).join(', ')]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('detections').tBodies[0].replaceChildren(...rows);
  $('result-count').textContent = `${detections.length} finding${detections.length === 1 ? '' : 's'}`;
}

const showsReviewed = () => Boolean(state.result?.review) && $('show-reviewed').checked;

// Paints the boxes shown now on the image shown now: the review being made, the stored review's findings, or the
// model's boxes that pass the thresholds. Also the load listener of the original: a paint must never use boxes
// captured when an earlier image was shown, or a reload of a cached image would draw them on it.
function paint() {
  const original = $('original');
  if (!state.result || !original.complete || !original.naturalWidth) return;
  if (isReviewing()) paintReview();
  else if (showsReviewed()) draw($('annotated'), original, state.result.review.labels, state.model, (l) => `${l.className} · ${l.source}`);
  else draw($('annotated'), original, state.shown, state.model);
}

function caption() {
  if (isReviewing()) return 'Reviewing: click a box to select it, drag its corners to correct it';
  if (showsReviewed()) return `Findings of the review by ${state.result.review.reviewer}`;
  return 'Detected findings';
}

/** The review bar, the stored review, the thresholds and the table as they are when no review is being made. */
function showReviewState() {
  const reviewing = isReviewing();
  const review = state.result?.review ?? null;
  $('annotated-caption').textContent = caption();
  $('review-bar').hidden = reviewing || !isRadiologist() || !state.result;
  $('review-start').textContent = review ? 'Review again (a new review supersedes the one below)' : 'Review these findings';
  $('stored-review').hidden = reviewing || !review;
  $('detections').hidden = reviewing;
  for (const id of ['confidence', 'nms-iou']) $(id).disabled = reviewing;
  $('thresholds-off').hidden = !reviewing;
}

async function showStored(result) {
  if (!result.review) return;
  renderStoredReview(result, result.review, state.model, null);
  if (!isRadiologist()) return;
  const { items } = await api.reviews(result.inferenceId);
  if (state.result === result) renderStoredReview(result, result.review, state.model, items.length - 1);
}

function startReviewing() {
  if (!state.result || !isRadiologist()) return;
  setStatus('');
  showError('');
  const result = state.result;
  startReview(result, state.model, {
    submitted: (stored) => {
      result.review = stored;
      $('show-reviewed').checked = true;
      showReviewState();
      paint();
      setStatus('Review stored. Press n (or "Next study") for the next study of the worklist.');
      showStored(result).catch((e) => showError(e.message));
      $('stored-review').scrollIntoView({ block: 'nearest' });
    },
    cancelled: () => {
      showReviewState();
      redraw();
    },
  });
  showReviewState();
}

/** The next study of the worklist (its first one other than the one shown), opened for review. */
async function nextStudy() {
  showError('');
  try {
    const { items } = await api.worklist(2);
    const next = items.find((item) => item.inferenceId !== state.result?.inferenceId);
    if (!next) {
      setStatus('Nothing else waits for review: the worklist is empty.');
      return;
    }
    window.history.pushState(null, '', `/?inference=${next.inferenceId}&review=1`);
    await openInference(next.inferenceId, true);
  } catch (e) {
    showError(e.message);
  }
}

function redraw() {
  if (!state.result) return;
  const t = thresholds();
  state.shown = refilter(state.candidates, t.confidence, t.nmsIou);
  paint(); // while the image is still loading, its load event paints
  renderDetections(state.shown);
}

function show(result, candidates) {
  stopReview();
  state.result = result;
  state.candidates = candidates ?? result.detections;
  $('show-reviewed').checked = false;
  // The address names the result shown, so that a reload (or a link) shows it again.
  if (new URLSearchParams(window.location.search).get('inference') !== String(result.inferenceId)) {
    window.history.replaceState(null, '', `/?inference=${result.inferenceId}`);
  }
  $('result').hidden = false;
  $('result-file').textContent = result.image.fileName ?? result.image.sha256.slice(0, 12);
  $('result-time').textContent = `Inference ${result.durationMs.toFixed(0)} ms · ${result.model.name} ${result.model.version}`;
  $('original').src = api.imageUrl(result.image.sha256);
  showReviewState();
  if (result.review) showStored(result).catch((e) => showError(e.message));
  redraw();
}

async function uploadFile(file) {
  showError('');
  if (!file) return;
  if (!['image/png', 'image/jpeg'].includes(file.type)) {
    showError(`${file.name} is not a PNG or JPEG image.`);
    return;
  }
  // A slower earlier upload must not replace what a later one (or a later click in the history) shows.
  const request = ++state.shownRequest;
  setStatus(`Detecting findings in ${file.name}…`);
  try {
    const t = thresholds();
    const result = await api.upload(file, t.confidence, t.nmsIou);
    if (request === state.shownRequest) {
      show(result, result.candidates);
      setStatus('');
    }
    await loadHistory(true);
  } catch (e) {
    if (request === state.shownRequest) {
      setStatus('');
      showError(e.message);
    }
  }
}

function historyItem(item) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'history-item';
  button.dataset.inferenceId = item.inferenceId;
  const img = document.createElement('img');
  img.src = api.thumbnailUrl(item.image.sha256);
  img.alt = `Thumbnail of ${item.image.fileName ?? item.image.sha256}`;
  img.loading = 'lazy';
  const caption = document.createElement('span');
  const when = new Date(item.createdAt).toLocaleString();
  caption.textContent = `${item.image.fileName ?? ''} · ${item.detectionCount} finding${item.detectionCount === 1 ? '' : 's'} · ${when}`;
  button.append(img, caption);
  button.addEventListener('click', async () => {
    try {
      if (await openInference(item.inferenceId, false)) window.scrollTo({ top: 0, behavior: 'smooth' });
    } catch (e) {
      showError(e.message);
    }
  });
  li.append(button);
  return li;
}

/** Shows a stored inference with its own thresholds (and starts reviewing it if asked and not yet reviewed); false if a later request took over. */
async function openInference(id, review) {
  showError('');
  const request = ++state.shownRequest;
  const result = await api.inference(id);
  if (request !== state.shownRequest) return false;
  $('confidence').value = result.thresholds.confidence;
  $('nms-iou').value = result.thresholds.nmsIou;
  showThresholds();
  show(result, result.detections);
  if (review && !result.review) startReviewing();
  return true;
}

/** The inference the address names (/?inference=ID, and &review=1 to review it), if any. */
async function openFromAddress() {
  const params = new URLSearchParams(window.location.search);
  const id = params.get('inference');
  if (id === null) return;
  if (!/^[0-9]{1,18}$/.test(id)) {
    showError(`"${id}" is not an inference id.`);
    return;
  }
  await openInference(id, params.get('review') === '1' && isRadiologist());
}

/** Keys: while reviewing, the review's (a, r, n, 1-9, Esc, Delete); otherwise n opens the next study of the worklist. */
function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || !isRadiologist()) return;
  const target = event.target;
  const typing = target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'
    || (target.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'file', 'button', 'submit'].includes(target.type));
  if (typing) return;
  if (isReviewing()) {
    if (reviewKey(event)) event.preventDefault();
  } else if (event.key === 'n') {
    event.preventDefault();
    nextStudy();
  }
}

async function loadHistory(reset) {
  const page = await api.history(PAGE, reset ? null : state.next);
  const items = page.items.map(historyItem);
  if (reset) $('history').replaceChildren(...items); else $('history').append(...items);
  state.next = page.next ?? null;
  $('more').hidden = !state.next;
}

function wireUpload() {
  const zone = $('drop-zone');
  $('original').addEventListener('load', paint);
  $('file-input').addEventListener('change', (e) => uploadFile(e.target.files[0]));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    uploadFile(e.dataTransfer.files[0]);
  });
  for (const id of ['confidence', 'nms-iou']) {
    // Moving a threshold is about the model's boxes: the image shows them again.
    $(id).addEventListener('input', () => { showThresholds(); $('show-reviewed').checked = false; showReviewState(); redraw(); });
  }
  $('show-reviewed').addEventListener('change', () => { showReviewState(); paint(); });
  $('review-start').addEventListener('click', () => startReviewing());
  $('next-study').addEventListener('click', () => nextStudy());
  document.addEventListener('keydown', onKey);
  window.addEventListener('popstate', () => openFromAddress().catch((e) => showError(e.message)));
  $('more').addEventListener('click', () => loadHistory(false).catch((e) => showError(e.message)));
}

/**
 * A user without the upload role (the first-start admin, a data engineer) sees no upload box but what to do instead;
 * an administrator can create a radiologist's account right here and sign in with it.
 */
function showWhatTheRolesAllow(user) {
  $('model-line').textContent = '';
  for (const section of document.querySelectorAll('main > section:not(#no-upload-role)')) section.hidden = true;
  $('no-upload-role').hidden = false;
  const admin = user.roles.includes('ADMIN');
  $('no-upload-role-text').textContent = `You are signed in as ${user.username} (${roleNames(user.roles)}). `
    + (admin
      ? 'An administrator manages users and reads the audit log; the people who upload images and review findings need accounts of their own.'
      : 'Ask an administrator for the uploader or radiologist role, or use the pages linked above.');
  $('new-radiologist').hidden = !admin;
  $('new-radiologist').addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = $('radiologist-username').value.trim();
    try {
      await api.call('POST', '/api/v1/users', { username, password: $('radiologist-password').value, roles: ['radiologist'] });
      $('radiologist-created').textContent = `Created the radiologist ${username}. Sign out, then sign in as ${username} to upload.`;
      $('sign-in-as').hidden = false;
      $('radiologist-error').hidden = true;
    } catch (e) {
      $('radiologist-error').textContent = e.message;
      $('radiologist-error').hidden = false;
    }
  });
  $('sign-in-as').addEventListener('click', () => signOut());
}

async function start() {
  wireUpload();
  try {
    const user = await showUser();
    state.user = user;
    if (!user.roles.includes('UPLOADER') && !user.roles.includes('RADIOLOGIST')) {
      showWhatTheRolesAllow(user);
      return;
    }
    state.model = await api.model();
    $('confidence').value = state.model.defaults.confidence;
    $('nms-iou').value = state.model.defaults.nmsIou;
    showThresholds();
    renderLegend();
    wireReview(state.model);
    $('model-line').textContent = `Model ${state.model.name} ${state.model.version}: ${state.model.description ?? ''}`;
    await openFromAddress().catch((e) => showError(e.message));
    await loadHistory(true);
  } catch (e) {
    showError(`Cannot reach the server: ${e.message}`);
  }
}

start();

// The radiologist's worklist: the studies waiting for review in the order the API gives (overdue ones first, then the
// most abnormal), each opening on the result view for review; and how each model version fares with the reviews.
import { showUser } from './session.js';
import { $, cell, showError } from './forms.js';
import * as api from './api.js';

const LIMIT = 100;
let first = null; // the address of the first study, for the key n

/** A wait as people say it: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function waited(seconds) {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

function span(text, className) {
  const node = document.createElement('span');
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function studyItem(item, index) {
  const li = document.createElement('li');
  const link = document.createElement('a');
  link.href = `/?inference=${item.inferenceId}&review=1`;
  link.className = `worklist-item${item.overdue ? ' overdue' : ''}`;
  link.dataset.inferenceId = String(item.inferenceId);
  const img = document.createElement('img');
  img.src = item.image.thumbnailUrl;
  img.alt = `Thumbnail of ${item.image.fileName ?? item.image.sha256}`;
  img.loading = 'lazy';
  const name = span(item.image.fileName ?? item.image.sha256.slice(0, 12), 'worklist-name');
  const detail = document.createElement('small');
  detail.textContent = `${item.image.width} × ${item.image.height} · ${item.model.name} ${item.model.version}${item.user ? ` · uploaded by ${item.user}` : ''}`;
  name.append(detail);
  const wait = span(`waiting ${waited(item.waitingSeconds)}`, 'worklist-wait');
  wait.title = `since ${new Date(item.createdAt).toLocaleString()}`;
  link.append(span(`${index + 1}`, 'worklist-rank'), img, name, span(`score ${item.score.toFixed(2)}`, 'worklist-score'),
    span(`${item.boxes} box${item.boxes === 1 ? '' : 'es'}`, 'worklist-boxes'), wait,
    item.overdue ? span('Overdue', 'overdue-mark') : span(''));
  li.append(link);
  return li;
}

async function loadWorklist() {
  const { items, maxWaitSeconds } = await api.worklist(LIMIT);
  $('max-wait').textContent = waited(maxWaitSeconds);
  $('worklist').replaceChildren(...items.map(studyItem));
  $('worklist-count').textContent = items.length === LIMIT ? `(the first ${LIMIT})` : `(${items.length})`;
  $('worklist-empty').hidden = items.length > 0;
  first = items.length > 0 ? `/?inference=${items[0].inferenceId}&review=1` : null;
}

const percent = (share) => (share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`);

/** Three shares as one bar: accepted, corrected, rejected. */
function bar(row) {
  const td = document.createElement('td');
  const shares = document.createElement('div');
  shares.className = 'quality-bar';
  for (const [kind, share] of [['accepted', row.acceptedShare], ['corrected', row.correctedShare], ['rejected', row.rejectedShare]]) {
    const part = document.createElement('span');
    part.className = `quality-${kind}`;
    part.style.width = `${(share ?? 0) * 100}%`;
    shares.append(part);
  }
  td.append(shares);
  return td;
}

function qualityRow(row, name) {
  const tr = document.createElement('tr');
  tr.append(cell(name), cell(row.proposed), cell(`${percent(row.acceptedShare)} (${row.accepted})`),
    cell(`${percent(row.correctedShare)} (${row.corrected})`), cell(`${percent(row.rejectedShare)} (${row.rejected})`),
    cell(row.missed), bar(row));
  return tr;
}

async function loadQuality() {
  const { models } = await api.modelQuality();
  $('quality').replaceChildren(...models.flatMap((m) => {
    const title = document.createElement('h3');
    title.className = 'quality-model';
    title.textContent = `${m.name} ${m.version}`;
    const table = document.createElement('table');
    table.className = 'detections quality';
    table.dataset.model = `${m.name} ${m.version}`;
    const head = table.createTHead().insertRow();
    for (const text of ['Class', 'Proposed', 'Accepted', 'Corrected', 'Rejected', 'Missed', '']) {
      const th = document.createElement('th');
      th.textContent = text;
      head.append(th);
    }
    const body = table.createTBody();
    body.append(...m.classes.map((c) => qualityRow(c, c.className)));
    const total = qualityRow(m, 'All classes');
    total.className = 'quality-total';
    body.append(total);
    return [title, table];
  }));
  $('quality-empty').hidden = models.length > 0;
}

document.addEventListener('keydown', (event) => {
  if (event.key !== 'n' || event.ctrlKey || event.metaKey || event.altKey || event.target.closest('input, textarea, select')) return;
  if (first) window.location.assign(first);
});

(async () => {
  try {
    await showUser();
    await Promise.all([loadWorklist(), loadQuality()]);
  } catch (e) {
    showError(e);
  }
})();

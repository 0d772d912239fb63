// Calls to the cxr HTTP API (/api/v1). Every failure becomes an Error whose message is the server's.
import { csrfHeaders } from './session.js';

async function failure(response) {
  try {
    const body = await response.json();
    if (body && body.message) return new Error(body.message);
  } catch (ignored) {
    // not JSON: fall through
  }
  return new Error(`The server answered ${response.status} ${response.statusText}.`);
}

/** One call: the answer's JSON (null for 204), or an Error with the server's message. Changes carry the CSRF token. */
export async function call(method, path, body) {
  const headers = method === 'GET' ? {} : await csrfHeaders();
  const options = { method, headers };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

export async function model() {
  return call('GET', '/api/v1/model');
}

/** Uploads one image; the answer also carries every candidate box above the model's floor, for re-filtering here. */
export async function upload(file, confidence, nmsIou) {
  const form = new FormData();
  form.append('image', file);
  form.append('confidence', String(confidence));
  form.append('nmsIou', String(nmsIou));
  form.append('candidates', 'true');
  return call('POST', '/api/v1/inferences', form);
}

export async function inference(id) {
  return call('GET', `/api/v1/inferences/${encodeURIComponent(id)}`);
}

/** One page of past inferences, newest first; pass the previous page's `next` to continue. */
export async function history(limit, after) {
  const cursor = after ? `&after=${encodeURIComponent(after)}` : '';
  return call('GET', `/api/v1/inferences?limit=${limit}${cursor}`);
}

export function imageUrl(sha256) {
  return `/api/v1/images/${encodeURIComponent(sha256)}`;
}

export function thumbnailUrl(sha256) {
  return `/api/v1/images/${encodeURIComponent(sha256)}/thumbnail`;
}

/** Stores a radiologist's review of an inference: a decision for every predicted box, and the boxes added. */
export async function createReview(inferenceId, body) {
  return call('POST', `/api/v1/inferences/${encodeURIComponent(inferenceId)}/reviews`, body);
}

/** Every review of an inference, newest first: the first is the one that counts. */
export async function reviews(inferenceId) {
  return call('GET', `/api/v1/inferences/${encodeURIComponent(inferenceId)}/reviews`);
}

/** The studies waiting for review, in the order to review them. */
export async function worklist(limit) {
  return call('GET', `/api/v1/reviews/worklist?limit=${limit}`);
}

export async function modelQuality() {
  return call('GET', '/api/v1/model/quality');
}

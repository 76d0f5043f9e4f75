/* global fetch */
// The page's calls to the bus-tracker API; errors carry the API's own message, written for people.

export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @template T
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<T>}
 */
async function request(path, init) {
  /** @type {{ body: T }} */
  const { body } = await respond(path, init);
  return body;
}

/**
 * @template T
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<{ body: T, headers: Headers }>}
 */
async function respond(path, init) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch {
    throw new ApiError(0, 'The server does not answer: check your connection and try again.');
  }
  /** @type {unknown} */
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message =
      body && typeof body === 'object' && 'message' in body && typeof body.message === 'string'
        ? body.message
        : `The server answered ${response.status}.`;
    throw new ApiError(response.status, message);
  }
  return { body: /** @type {T} */ (body), headers: response.headers };
}

/**
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export function getJson(path) {
  return request(path);
}

/**
 * @template T
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export function postJson(path, body) {
  return request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * One page of a list and how many items there are in all (the X-Total-Count header).
 * @template T
 * @param {string} path
 * @returns {Promise<{ items: T[], total: number }>}
 */
export async function getPage(path) {
  /** @type {{ body: T[], headers: Headers }} */
  const { body, headers } = await respond(path);
  const total = Number(headers.get('x-total-count'));
  return { items: body, total: Number.isFinite(total) && total >= body.length ? total : body.length };
}

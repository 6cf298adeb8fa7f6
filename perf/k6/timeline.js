// Home timeline paging: each iteration reads PAGES pages following nextCursor, and checks the
// order is strictly newest first with no duplicate across pages.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, anyUser, auth, openModel } from './lib/config.js';

const PAGES = parseInt(__ENV.PAGES || '3', 10);
export const options = openModel('timeline');

export function timeline() {
  const user = anyUser();
  let cursor = null;
  const seen = new Set();
  let lastKey = null;
  for (let page = 0; page < PAGES; page++) {
    const url = `${BASE_URL}/v1/timeline?limit=20${cursor ? `&cursor=${cursor}` : ''}`;
    const res = http.get(url, auth(user.token));
    const ok = check(res, { 'timeline 200': (r) => r.status === 200 });
    if (!ok) {
      return;
    }
    const body = /** @type {any} */ (res.json());
    const items = /** @type {any[]} */ (body.items);
    for (const item of items) {
      const key = `${Date.parse(item.createdAt)}.${item.id}`;
      check(item, {
        'no duplicate across pages': () => !seen.has(item.id),
        'strictly newest first': () => lastKey === null || compareKeys(key, lastKey) < 0,
      });
      seen.add(item.id);
      lastKey = key;
    }
    cursor = body.nextCursor;
    if (!cursor) {
      return;
    }
  }
}

/** Compares "<millis>.<id>" keys numerically (ids exceed 2^53: compare as strings of digits). */
function compareKeys(a, b) {
  const [am, ai] = a.split('.');
  const [bm, bi] = b.split('.');
  if (am !== bm) {
    return Number(am) - Number(bm);
  }
  return ai.length !== bi.length ? ai.length - bi.length : (ai < bi ? -1 : ai > bi ? 1 : 0);
}

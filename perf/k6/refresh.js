// Pull-to-refresh as a mobile app does it: each iteration is one refresh by a random user. The
// top page goes out with If-None-Match (the ETag this VU got last time for that user): 304 when
// nothing changed. On a 200, what is new above the previous top is loaded with since=<prevCursor>
// until a page comes back empty; every item must be strictly newer than the last one seen and
// never repeated. The 304 and full-page counts are reported side by side.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { BASE_URL, anyUser, auth, openModel } from './lib/config.js';

const MAX_PAGES = parseInt(__ENV.MAX_PAGES || '10', 10);
export const options = openModel('refresh');

const notModified = new Counter('refresh_not_modified');
const fullPages = new Counter('refresh_full_pages');
const sincePages = new Counter('refresh_since_pages');

/** Per VU: userId -> {etag, top} from this VU's last refresh of that user. */
const state = new Map();

export function refresh() {
  const user = anyUser();
  const known = state.get(user.userId);
  const params = auth(user.token);
  if (known && known.etag) {
    params.headers['If-None-Match'] = known.etag;
  }
  const res = http.get(`${BASE_URL}/v1/timeline?limit=20`, params);
  if (!check(res, { 'top page 200 or 304': (r) => r.status === 200 || r.status === 304 })) {
    return;
  }
  if (res.status === 304) {
    notModified.add(1);
    return;
  }
  fullPages.add(1);
  const body = /** @type {any} */ (res.json());
  const etag = /** @type {string} */ (res.headers['Etag'] || res.headers['ETag']);
  if (known && known.top) {
    loadNewer(user.token, known.top);
  }
  state.set(user.userId, { etag, top: body.prevCursor || (known && known.top) || null });
}

/** since-paging from the previous top: each page newest first, each item newer than everything before it, none twice. */
function loadNewer(token, from) {
  const seen = new Set();
  let at = from;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = http.get(`${BASE_URL}/v1/timeline?limit=20&since=${at}`, auth(token));
    if (!check(res, { 'since page 200': (r) => r.status === 200 })) {
      return;
    }
    sincePages.add(1);
    const body = /** @type {any} */ (res.json());
    const items = /** @type {any[]} */ (body.items);
    if (items.length === 0) {
      return;
    }
    for (const item of items) {
      check(item, {
        'since: no repeat': () => !seen.has(item.id),
        'since: newer than the position': () => compareKeys(`${Date.parse(item.createdAt)}.${item.id}`, at) > 0,
      });
      seen.add(item.id);
    }
    at = body.prevCursor;
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

// Publish at a constant rate: POST /v1/posts with an Idempotency-Key per attempt.
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, anyUser, auth, openModel } from './lib/config.js';

export const options = openModel('publish');

export function publish() {
  const user = anyUser();
  const params = auth(user.token);
  params.headers['Idempotency-Key'] = `k6-${__VU}-${__ITER}`;
  const res = http.post(`${BASE_URL}/v1/posts`, JSON.stringify({ text: `k6 post ${__ITER}` }), params);
  check(res, {
    'published (201) or rate limited (429)': (r) => r.status === 201 || r.status === 429,
    'has an id': (r) => r.status !== 201 || typeof r.json('id') === 'string',
  });
}

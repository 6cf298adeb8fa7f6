// Celebrity storm: many readers who all follow one pull-tier author read their timelines at
// once while the celebrity publishes. Watch feed_hotcache_* on /q/metrics (management port) alongside: outbox
// reads per timeline read should stay near zero (resident hot-cache).
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, anyUser, auth, openModel } from './lib/config.js';

const CELEBRITY_TOKEN = __ENV.CELEBRITY_TOKEN || '';
export const options = openModel('storm');
options.scenarios.celebrity = {
  executor: 'constant-arrival-rate',
  exec: 'celebrityPosts',
  rate: 1,
  timeUnit: '1s',
  duration: options.scenarios.storm.duration,
  preAllocatedVUs: 2,
};

export function storm() {
  const res = http.get(`${BASE_URL}/v1/timeline?limit=20`, auth(anyUser().token));
  check(res, { 'timeline 200': (r) => r.status === 200 });
}

export function celebrityPosts() {
  if (!CELEBRITY_TOKEN) {
    return;
  }
  const res = http.post(`${BASE_URL}/v1/posts`, JSON.stringify({ text: `celebrity ${__ITER}` }), auth(CELEBRITY_TOKEN));
  check(res, { 'celebrity published': (r) => r.status === 201 || r.status === 429 });
}

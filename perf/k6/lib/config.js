// Shared settings for every script, from k6 environment variables (-e NAME=value):
//   BASE_URL      feed-service base URL            (default http://127.0.0.1:8080)
//   RELATION_URL  relation-service base URL        (default http://127.0.0.1:8081)
//   TOKENS_FILE   JSON file: [{"userId": "1001", "token": "eyJ..."}, ...] made by your IdP or
//                 by `for u in ...; do ./feed token $u; done` on the local stack
//   RATE, DURATION, P99_MS  the arrival rate per second, run length, and p99 threshold in ms
import { SharedArray } from 'k6/data';

export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
export const RELATION_URL = __ENV.RELATION_URL || 'http://127.0.0.1:8081';
export const RATE = parseInt(__ENV.RATE || '100', 10);
export const DURATION = __ENV.DURATION || '1m';
export const P99_MS = parseInt(__ENV.P99_MS || '50', 10);

/** @type {{userId: string, token: string}[]} */
export const users = new SharedArray('users', () => JSON.parse(open(__ENV.TOKENS_FILE || './tokens.json')));

/** A random user of the token file. */
export function anyUser() {
  return users[Math.floor(Math.random() * users.length)];
}

/** @param {string} token */
export function auth(token) {
  return { headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } };
}

/** Open model at a constant arrival rate, with p99 and error-rate thresholds. */
export function openModel(exec, rate = RATE) {
  return {
    scenarios: {
      [exec]: {
        executor: 'constant-arrival-rate',
        exec,
        rate,
        timeUnit: '1s',
        duration: DURATION,
        preAllocatedVUs: Math.max(10, rate),
        maxVUs: Math.max(50, rate * 4),
      },
    },
    thresholds: {
      http_req_failed: ['rate<0.01'],
      http_req_duration: [`p(99)<${P99_MS}`],
    },
  };
}

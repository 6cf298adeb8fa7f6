// The live stream (GET /v1/timeline/stream, server-sent events). Needs a k6 built with the
// xk6-sse extension (https://github.com/phymbert/xk6-sse: `xk6 build --with github.com/phymbert/xk6-sse`);
// its API is declared in lib/xk6-sse.d.ts for the type check. Each VU holds one stream for HOLD
// seconds (resuming with Last-Event-ID when the server closes it), counting post events and
// heartbeats and checking that ids are positions never repeated; publishers post at PUBLISH_RATE/s
// so there is something to deliver. STREAMS VUs = open streams held at once.
import sse from 'k6/x/sse';
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { BASE_URL, DURATION, anyUser, auth } from './lib/config.js';

const STREAMS = parseInt(__ENV.STREAMS || '100', 10);
const HOLD_S = parseInt(__ENV.HOLD || '60', 10);
const PUBLISH_RATE = parseInt(__ENV.PUBLISH_RATE || '5', 10);

const postEvents = new Counter('stream_post_events');
const deleteEvents = new Counter('stream_delete_events');
const repeats = new Counter('stream_repeated_ids');

export const options = {
  scenarios: {
    stream: { executor: 'constant-vus', exec: 'stream', vus: STREAMS, duration: DURATION },
    publish: {
      executor: 'constant-arrival-rate', exec: 'publish', rate: PUBLISH_RATE, timeUnit: '1s', duration: DURATION,
      preAllocatedVUs: Math.max(5, PUBLISH_RATE), maxVUs: Math.max(20, PUBLISH_RATE * 4),
    },
  },
  thresholds: {
    stream_repeated_ids: ['count==0'],
    'checks{check:stream 200}': ['rate>0.99'],
  },
};

export function stream() {
  const user = anyUser();
  const seen = new Set();
  let lastEventId = null;
  const until = Date.now() + HOLD_S * 1000;
  while (Date.now() < until) {
    const params = auth(user.token);
    params.headers.Accept = 'text/event-stream';
    if (lastEventId) {
      params.headers['Last-Event-ID'] = lastEventId;
    }
    const res = sse.open(`${BASE_URL}/v1/timeline/stream`, params, (client) => {
      client.on('event', (event) => {
        if (Date.now() >= until) {
          client.close();
          return;
        }
        if (event.name === 'post') {
          postEvents.add(1);
          if (seen.has(event.id)) {
            repeats.add(1);
          }
          seen.add(event.id);
          lastEventId = event.id;
        } else if (event.name === 'delete') {
          deleteEvents.add(1);
        }
      });
      client.on('error', () => client.close());
    });
    if (!check(res, { 'stream 200': (r) => r && r.status === 200 })) {
      return;
    }
  }
}

export function publish() {
  const user = anyUser();
  const res = http.post(`${BASE_URL}/v1/posts`, JSON.stringify({ text: `k6 stream ${Date.now()}` }), auth(user.token));
  check(res, { 'publish 201': (r) => r.status === 201 || r.status === 429 });
}

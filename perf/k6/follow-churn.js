// Follow / unfollow churn on relation-service: each iteration follows then unfollows a random
// other user of the token file; both must answer 204 whatever the previous state.
import http from 'k6/http';
import { check } from 'k6';
import { RELATION_URL, anyUser, users, auth, openModel } from './lib/config.js';

export const options = openModel('churn');

export function churn() {
  const me = anyUser();
  const other = users[Math.floor(Math.random() * users.length)];
  if (other.userId === me.userId) {
    return;
  }
  const follow = http.put(`${RELATION_URL}/v1/users/me/following/${other.userId}`, null, auth(me.token));
  const unfollow = http.del(`${RELATION_URL}/v1/users/me/following/${other.userId}`, null, auth(me.token));
  check(follow, { 'follow 204': (r) => r.status === 204 });
  check(unfollow, { 'unfollow 204': (r) => r.status === 204 });
}

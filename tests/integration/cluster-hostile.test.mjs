// cluster-hostile.test.mjs -- the hostile-input suite (hostile.test.mjs, every
// test of it, unchanged) against cluster nodes: each server the suite starts
// is a node with --redis on a private redis-server (a database of its own per
// server, lib.mjs HANDSUP_TEST_REDIS) instead of a data file. Foreign origins,
// oversized and broken frames, floods, forged tokens and keys, slowloris: the
// refusals must be the same, and the bystander's votes, now acked after
// Redis's fsync, must stay fast throughout.
import { skipWithoutRedis, startRedis } from './cluster-lib.mjs';

if (skipWithoutRedis) {
  const { test } = await import('node:test');
  test('hostile input against a cluster node', { skip: skipWithoutRedis }, () => {});
} else {
  const redis = await startRedis();
  process.env.HANDSUP_TEST_REDIS = redis.url;
  await import('./hostile.test.mjs');
  // Registered after the suite's own hooks, so it runs after they have
  // stopped their nodes (a running redis-server would keep this process up).
  const { after } = await import('node:test');
  after(async () => { await redis.stop(); });
}

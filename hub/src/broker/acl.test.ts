import { describe, expect, it } from 'vitest';
import { isOwnAck, mayPublish, maySubscribe, type Principal } from './acl.ts';

const me: Principal = {
  kind: 'agent',
  ref: { site: 'demo', line: 'line-3', agent: 'a1' },
  id: 'demo/line-3/a1',
};
const anon: Principal = { kind: 'anonymous' };
const own = 'sl/v1/demo/line-3/a1';
const other = 'sl/v1/demo/line-3/a2';
const sha = 'a'.repeat(64);

describe('publish', () => {
  it.each([
    [`${own}/results`, true],
    [`${own}/birth`, true],
    [`${own}/state`, true],
    [`${own}/stats`, true],
    [`${own}/events`, true],
    [`${own}/model/status`, true],
    [`${own}/samples/${sha}/meta`, true],
    [`${own}/samples/${sha}/3`, true],
    [`${other}/results`, false], // a forged batch as another agent
    [`${own}/cmd/set-threshold`, false], // downlink: only the hub
    [`${own}/model/desired`, false],
    [`${own}/ack`, false],
    ['sl/v1/hub/state', false], // a forged retained hub state
    ['sl/v1/models/default/2.0.0/meta', false],
    [`${own}/unknown`, false],
    ['$SYS/broker/uptime', false],
    ['anything/else', false],
  ])('%s: %s', (topic, allowed) => {
    expect(mayPublish(me, topic)).toBe(allowed);
  });

  it('an anonymous lab client publishes uplink for any agent, never downlink', () => {
    expect(mayPublish(anon, `${other}/results`)).toBe(true);
    expect(mayPublish(anon, `${other}/cmd/set-threshold`)).toBe(false);
    expect(mayPublish(anon, 'sl/v1/hub/state')).toBe(false);
  });
});

describe('subscribe', () => {
  it.each([
    [`${own}/cmd/+`, true],
    [`${own}/cmd/set-threshold`, true],
    [`${own}/model/desired`, true],
    [`${own}/ack`, true],
    [`${other}/ack`, false],
    ['sl/v1/hub/state', true],
    ['sl/v1/models/default/2.0.0/meta', true],
    ['sl/v1/models/default/2.0.0/chunk/7', true],
    ['sl/v1/models/default/2.0.0/#', true],
    ['#', false],
    ['$SYS/#', false],
    ['+/#', false],
    ['sl/#', false],
    ['sl/v1/#', false],
    ['sl/v1/+/+/+/results', false],
    ['sl/v1/demo/line-3/+/cmd/+', false],
    [`${own}/#`, false],
    [`${own}/cmd/#`, false],
    [`${own}/results`, false], // its own uplink: nothing to read there
    [`${other}/cmd/+`, false],
    [`${other}/model/desired`, false],
    ['sl/v1/models/+/2.0.0/meta', false],
    ['sl/v1/models/#', false],
    ['$share/g/sl/v1/+/+/+/#', false],
  ])('%s: %s', (filter, allowed) => {
    expect(maySubscribe(me, filter)).toBe(allowed);
  });

  it('its own ack topic only', () => {
    expect(isOwnAck(me, `${own}/ack`)).toBe(true);
    expect(isOwnAck(me, `${other}/ack`)).toBe(false);
    expect(isOwnAck(me, 'sl/v1/+/+/+/ack')).toBe(false);
    expect(isOwnAck(anon, `${other}/ack`)).toBe(true);
  });

  it('an anonymous lab client still gets no wildcard over agents', () => {
    expect(maySubscribe(anon, `${other}/cmd/+`)).toBe(true);
    expect(maySubscribe(anon, 'sl/v1/+/+/+/cmd/+')).toBe(false);
    expect(maySubscribe(anon, '#')).toBe(false);
  });
});

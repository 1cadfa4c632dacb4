import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.ts';
import { parseTopic, topics, UPLINK_CHANNELS } from './topics.ts';

const ref = { site: 'plant-1', line: 'line-2', agent: 'cam-a' };

describe('topics', () => {
  it('builds every uplink topic and parses it back', () => {
    for (const channel of UPLINK_CHANNELS) {
      const topic = topics.uplink(ref, channel);
      expect(topic).toBe(`sl/v1/plant-1/line-2/cam-a/${channel}`);
      expect(parseTopic(topic)).toEqual({ kind: 'uplink', ref, channel });
    }
  });

  it('builds and parses downlink topics', () => {
    expect(parseTopic(topics.command(ref, 'set-threshold'))).toEqual({
      kind: 'command',
      ref,
      name: 'set-threshold',
    });
    expect(parseTopic(topics.modelDesired(ref))).toEqual({ kind: 'model-desired', ref });
    expect(topics.ack(ref)).toBe('sl/v1/plant-1/line-2/cam-a/ack');
    expect(parseTopic(topics.ack(ref))).toEqual({ kind: 'ack', ref });
    expect(parseTopic(topics.hubState())).toEqual({ kind: 'hub-state' });
    expect(parseTopic(topics.modelBundle('default', '1.2.0', 'chunk/3'))).toEqual({
      kind: 'model-bundle',
      id: 'default',
      version: '1.2.0',
      part: 'chunk/3',
    });
    expect(topics.commands(ref)).toBe('sl/v1/plant-1/line-2/cam-a/cmd/+');
    expect(topics.uplinkFilter('results')).toBe('sl/v1/+/+/+/results');
  });

  it('builds and parses sample parts, content-addressed', () => {
    const sha = 'ab'.repeat(32);
    expect(topics.sample(ref, sha, 'meta')).toBe(`sl/v1/plant-1/line-2/cam-a/samples/${sha}/meta`);
    expect(parseTopic(topics.sample(ref, sha, 'meta'))).toEqual({
      kind: 'sample',
      ref,
      sha256: sha,
      chunk: 'meta',
    });
    expect(parseTopic(topics.sample(ref, sha, 12))).toEqual({ kind: 'sample', ref, sha256: sha, chunk: 12 });
    expect(parseTopic(`sl/v1/plant-1/line-2/cam-a/samples/${sha}/012`)).toBeNull();
    expect(parseTopic(`sl/v1/plant-1/line-2/cam-a/samples/${'AB'.repeat(32)}/0`)).toBeNull();
    expect(topics.sampleFilter()).toBe('sl/v1/+/+/+/samples/#');
  });

  it('rejects bad identifiers with a message naming the key', () => {
    expect(() => topics.birth({ ...ref, line: 'Line 2' })).toThrow(/line "Line 2" is not a valid identifier/);
    expect(() => topics.birth({ ...ref, agent: 'x'.repeat(65) })).toThrow(ProtocolError);
    expect(() => topics.birth({ ...ref, site: 'hub' })).toThrow(/reserved/);
  });

  it('returns null for topics outside the contract', () => {
    expect(parseTopic('sl/v2/a/b/c/results')).toBeNull();
    expect(parseTopic('sl/v1/a/b/c/unknown')).toBeNull();
    expect(parseTopic('sl/v1/A/b/c/results')).toBeNull();
    expect(parseTopic('sl/v1/a/b')).toBeNull();
    expect(parseTopic('other/topic')).toBeNull();
  });
});

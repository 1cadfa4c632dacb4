import { describe, expect, it } from 'vitest';
import { spawnAgent } from '../support/agent-process.ts';
import { tempDir } from '../support/hub.ts';

describe('a bad agent config', () => {
  it('stops start-up naming the key, what was wrong and a right value', async () => {
    const tmp = await tempDir();
    try {
      const agent = await spawnAgent(
        tmp.dir,
        'site: plant-1\nline: Line 4\nagent: a1\ncameras:\n  - id: cam0\n    source: { kind: synthetic, defectRate: 1.5 }\n',
      );
      const { code, stderr } = await agent.exited;
      expect(code).toBe(1);
      expect(stderr).toContain('SL_CONFIG_INVALID');
      expect(stderr).toMatch(/ {2}line: expected 1-64 of a-z, 0-9 and "-" \(example: "line-1"\)/);
      expect(stderr).toMatch(/ {2}cameras\[0\]\.source\.defectRate: .*<=1 \(example: 0\.05\)/);
    } finally {
      await tmp.remove();
    }
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors.ts';
import type { Recipe, RecipeBook } from '../recipes/recipe-book.ts';
import { createAgentApp } from './app.ts';

function book(): RecipeBook & { now: string } {
  const ids = ['plate-a', 'plate-b'];
  const state = { now: 'plate-a' };
  const recipe = (id: string) => ({ id, index: ids.indexOf(id) + 1 }) as Recipe;
  return {
    get now() {
      return state.now;
    },
    current: () => recipe(state.now),
    all: () => ids.map(recipe),
    change(to) {
      const id = to.recipe ?? ids[(to.index ?? 0) - 1];
      if (!id || !ids.includes(id))
        throw new AgentError('SL_RECIPE_UNKNOWN', `no recipe ${to.recipe ?? `index ${to.index}`}`);
      state.now = id;
      return recipe(id);
    },
    onChange: () => undefined,
    agentPolicy: () => recipe(state.now).policy,
  };
}

describe('agent HTTP API', () => {
  it('POST /trigger hands a part (camera, part id) to the cameras triggered over HTTP', async () => {
    const got: [string | undefined, string | undefined][] = [];
    const app = createAgentApp({
      recipes: book(),
      trigger: (c, p) => {
        got.push([c, p]);
        return c !== 'cam9';
      },
      status: () => ({}),
    });
    const ok = await app.request('/trigger', {
      method: 'POST',
      body: JSON.stringify({ camera: 'cam0', part: 'P-17' }),
    });
    expect(ok.status).toBe(202);
    expect(got).toEqual([['cam0', 'P-17']]);
    const none = await app.request('/trigger', { method: 'POST', body: JSON.stringify({ camera: 'cam9' }) });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toMatch(/trigger.kind: http/);
    const bad = await app.request('/trigger', { method: 'POST', body: JSON.stringify({ part: 7 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/part/);
  });

  it('POST /recipe changes over by id or index, and refuses an unknown one naming it', async () => {
    const b = book();
    const app = createAgentApp({ recipes: b, trigger: () => true, status: () => ({ recipe: b.now }) });
    expect(await (await app.request('/recipe', { method: 'POST', body: '{"index":2}' })).json()).toEqual({
      recipe: 'plate-b',
    });
    const unknown = await app.request('/recipe', { method: 'POST', body: '{"recipe":"plate-z"}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/plate-z/);
    expect(await (await app.request('/status')).json()).toEqual({ recipe: 'plate-b' });
  });
});

describe('agent HTTP API with http.token', () => {
  it('refuses requests without the bearer token, and bodies over 16 KiB', async () => {
    const app = createAgentApp({
      recipes: book(),
      trigger: () => true,
      status: () => ({ ok: 1 }),
      token: 'a-long-line-network-token',
    });
    expect((await app.request('/status')).status).toBe(401);
    const wrong = { authorization: 'Bearer a-long-line-network-tokeX' };
    expect((await app.request('/trigger', { method: 'POST', headers: wrong, body: '{}' })).status).toBe(401);
    const right = { authorization: 'Bearer a-long-line-network-token' };
    expect((await app.request('/trigger', { method: 'POST', headers: right, body: '{}' })).status).toBe(202);
    const big = await app.request('/trigger', { method: 'POST', headers: right, body: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });
});

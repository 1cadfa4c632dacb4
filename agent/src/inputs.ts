import type { Logger } from 'pino';
import type { AgentMode } from './act/mode.ts';
import type { AgentConfig } from './config/index.ts';
import { createAgentApp } from './http/app.ts';
import { listenHttp } from './http/server.ts';
import type { SteppedScheduler } from './line/clock.ts';
import type { CameraPipeline } from './pipeline/camera-pipeline.ts';
import type { Inspection } from './pipeline/inspection.ts';
import { type CameraHandshake, createCameraHandshake, ERROR_CODE } from './plc/handshake.ts';
import { startPlcServer } from './plc/modbus-server.ts';
import type { RecipeBook } from './recipes/recipe-book.ts';
import type { TriggerKind } from './trigger/config.ts';
import { createGpioInput, type TriggerInput } from './trigger/gpio-input.ts';

type Route = (kind: TriggerKind, camera?: string, part?: string) => void;

/**
 * The line's inputs and outputs besides cameras: GPIO trigger lines, the local HTTP API, and the PLC
 * handshake over Modbus TCP (triggers and part ids in, recipe index in, encoder counts in; results,
 * ready and error signals out). MQTT commands come through the session.
 */
export async function startInputs(opts: {
  config: AgentConfig;
  recipes: RecipeBook;
  route: Route;
  pipelines: readonly CameraPipeline[];
  /** In pilot the PLC is told nothing about parts: no result, no OK/NG, no missed-part error. */
  mode: AgentMode;
  log: Logger;
}) {
  const { config, recipes, route, log } = opts;
  const encoders = new Map<string, SteppedScheduler>();
  const closers: (() => Promise<void>)[] = [];
  const handshakes = new Map<string, CameraHandshake>();
  let httpUrl: string | undefined;
  let plcPort: number | undefined;

  if (config.plc.enabled) {
    for (const camera of config.cameras) {
      handshakes.set(
        camera.id,
        createCameraHandshake({
          onTrigger: (part) => route('plc', camera.id, part),
          onEncoder: (count) => {
            if (camera.encoder?.kind === 'plc') encoders.get(camera.id)?.advance(count);
          },
        }),
      );
    }
    const server = await startPlcServer({
      ...config.plc,
      cameras: config.cameras.map((c) => handshakes.get(c.id) as CameraHandshake),
      global: {
        recipeIndex: () => recipes.current().index ?? 0,
        changeRecipe(index) {
          try {
            recipes.change({ index });
          } catch (err) {
            log.error(
              { event: 'recipe_refused', index, err: (err as Error).message },
              'PLC asked for an unknown recipe',
            );
          }
        },
      },
    });
    plcPort = server.port;
    closers.push(() => server.close());
    // Trigger ready: the camera is delivering frames (in pilot too: the PLC still triggers what is observed).
    const readiness = setInterval(() => {
      for (const p of opts.pipelines)
        handshakes.get(p.camera)?.setReady(p.state === 'running' && p.counts().captured > 0);
    }, 100);
    closers.push(async () => clearInterval(readiness));
    log.info({ event: 'plc_listening', port: plcPort }, `PLC handshake on Modbus TCP port ${plcPort}`);
  }

  if (config.http.enabled) {
    const app = createAgentApp({
      ...(config.http.token ? { token: config.http.token } : {}),
      recipes,
      trigger: (camera, part) => {
        const takes = config.cameras.some(
          (c) => c.trigger.kind === 'http' && (camera === undefined || c.id === camera),
        );
        if (takes) route('http', camera, part);
        return takes;
      },
      status: () => ({
        recipe: recipes.current().id,
        recipes: recipes
          .all()
          .map((r) => ({ id: r.id, ...(r.index === undefined ? {} : { index: r.index }) })),
        cameras: opts.pipelines.map((p) => ({ id: p.camera, state: p.state, ...p.counts().parts })),
      }),
    });
    const server = await listenHttp(app, config.http.host, config.http.port);
    httpUrl = server.url;
    closers.push(() => server.close());
    log.info({ event: 'http_listening', url: httpUrl }, `HTTP triggers and recipes on ${httpUrl}`);
  }

  const gpio: TriggerInput[] = [];
  for (const camera of config.cameras) {
    if (camera.trigger.kind !== 'gpio') continue;
    const input = createGpioInput(camera.trigger, camera.id, log);
    await input.start(() => route('gpio', camera.id));
    gpio.push(input);
  }
  closers.push(async () => {
    await Promise.all(gpio.map((g) => g.stop()));
  });

  return {
    httpUrl,
    plcPort,
    /** Each camera's encoder scheduler, for inputs that report counts (the PLC). */
    encoders,
    /**
     * Every verdict goes to the PLC, when the handshake is on; not one decided in pilot (act/mode.ts stamps
     * each inspection before this hook), so the line never acts on an observe-only verdict.
     */
    inspected(i: Inspection) {
      if (i.mode === 'pilot') return;
      handshakes.get(i.camera)?.result({
        verdict: i.decision.verdict,
        score: i.decision.score,
        ...(i.part ? { part: i.part.id } : {}),
      });
    },
    missed(camera: string) {
      if (opts.mode.current() === 'pilot') return;
      handshakes.get(camera)?.error(ERROR_CODE.missedPart);
    },
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}

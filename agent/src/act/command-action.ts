import { spawn } from 'node:child_process';
import type { ActionContext, ActionRunner } from './action.ts';
import type { CommandActionConfig } from './config.ts';

/** The variables a command sees besides the agent's own environment. */
export function actionEnv(ctx: ActionContext): Record<string, string> {
  return {
    SL_VERDICT: ctx.verdict,
    SL_SCORE: String(ctx.score),
    SL_CAMERA: ctx.camera,
    SL_FRAME: ctx.frame,
    ...(ctx.seq === undefined ? {} : { SL_SEQ: String(ctx.seq) }),
    ...(ctx.part === undefined ? {} : { SL_PART: ctx.part }),
    ...(ctx.recipe === undefined ? {} : { SL_RECIPE: ctx.recipe }),
  };
}

/**
 * Runs argv without a shell; succeeds when the program exits 0 within the timeout. Latency is
 * until the program exits (it is the program that acts).
 */
export function commandRunner(config: CommandActionConfig, baseEnv: NodeJS.ProcessEnv): ActionRunner {
  const [file, ...args] = config.argv as [string, ...string[]];
  return (ctx) =>
    new Promise((resolve) => {
      const start = performance.now();
      let stderr = '';
      let timedOut = false;
      const child = spawn(file, args, {
        env: { ...baseEnv, ...actionEnv(ctx) },
        stdio: ['ignore', 'ignore', 'pipe'],
        shell: false,
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, config.timeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-400);
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const hint =
          err.code === 'ENOENT'
            ? `${file} not found; use an absolute path (the service has a minimal PATH)`
            : err.code === 'EACCES'
              ? `${file} is not executable by the agent's user (chmod +x, or check the sightline user's groups)`
              : err.message;
        resolve({ latencyMs: performance.now() - start, error: `command ${file}: ${hint}` });
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const latencyMs = performance.now() - start;
        if (timedOut)
          resolve({ latencyMs, error: `command ${file}: killed after ${config.timeoutMs} ms (timeoutMs)` });
        else if (code === 0) resolve({ latencyMs });
        else {
          const why = signal ? `killed by ${signal}` : `exit code ${code}`;
          const tail = stderr.trim() ? `: ${stderr.trim()}` : '';
          resolve({ latencyMs, error: `command ${file}: ${why}${tail}` });
        }
      });
    });
}

import { Verdict } from '@sightline/protocol';
import { z } from 'zod';

const common = {
  on: z
    .array(Verdict)
    .min(1)
    .default(['defect'])
    .describe('verdicts that trigger the action')
    .meta({ examples: [['defect'], ['defect', 'uncertain']] }),
  camera: z
    .string()
    .optional()
    .describe("only this camera's parts (default: every camera's)")
    .meta({ examples: ['cam0'] }),
  delayMs: z
    .number()
    .min(0)
    .max(600_000)
    .default(0)
    .describe(
      "fire this long after the part's trigger (camera to reject gate at line speed), ms; 0 = at the verdict",
    ),
  delayCounts: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "fire after the camera's encoder (cameras[].encoder) advanced this many counts since the trigger, instead of delayMs: right whatever the belt speed",
    ),
  windowMs: z
    .number()
    .positive()
    .max(60_000)
    .default(100)
    .describe(
      'the part is in front of the gate this long after its due time; a verdict after that is too late: not fired, counted and raised (reject_late)',
    ),
  windowCounts: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'the same window in encoder counts (with delayCounts; default: windowMs at the measured speed)',
    ),
  maxInFlight: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('triggers running at once at most; beyond this a trigger is skipped and counted'),
};

export const CommandActionConfig = z.object({
  kind: z
    .literal('command')
    .describe('run a program (no shell) with SL_VERDICT, SL_SCORE, SL_CAMERA, SL_FRAME, SL_SEQ set'),
  argv: z
    .array(z.string().min(1))
    .min(1)
    .describe('program and its arguments; no shell, so no quoting or globbing')
    .meta({ examples: [['/usr/bin/gpioset', '-c', 'gpiochip0', '-t', '200ms,0', '17=1']] }),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .max(600_000)
    .default(5000)
    .describe('the program is killed (SIGKILL) after this long and the trigger counts as failed'),
  ...common,
});

export const HttpActionConfig = z.object({
  kind: z.literal('http').describe('POST the verdict as JSON to a local HTTP endpoint (PLC gateway, andon)'),
  url: z
    .url({ protocol: /^https?$/ })
    .describe('http:// or https:// URL')
    .meta({ examples: ['http://127.0.0.1:8080/reject'] }),
  headers: z.record(z.string(), z.string()).default({}).describe('extra request headers'),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1000)
    .describe('give up on the request after this long'),
  ...common,
});

export const GpioActionConfig = z.object({
  kind: z
    .literal('gpio')
    .describe('pulse a GPIO line through sysfs (for gpiod/gpioset use a command action instead)'),
  line: z
    .number()
    .int()
    .nonnegative()
    .describe('sysfs GPIO number (the N in /sys/class/gpio/gpioN)')
    .meta({ examples: [17] }),
  pulseMs: z.number().int().min(1).max(60_000).default(200).describe('how long the line stays active'),
  activeLow: z.boolean().default(false).describe('active = 0, idle = 1 (for relays that switch on low)'),
  sysfsRoot: z
    .string()
    .min(1)
    .default('/sys/class/gpio')
    .describe('sysfs GPIO directory (tests use a temp dir)'),
  ...common,
});

export const NoneActionConfig = z.object({
  kind: z.literal('none').describe('do nothing (the default)'),
  ...common,
});

export const ActionConfig = z.discriminatedUnion('kind', [
  CommandActionConfig,
  HttpActionConfig,
  GpioActionConfig,
  NoneActionConfig,
]);

export type ActionConfig = z.infer<typeof ActionConfig>;
export type ActionConfigInput = z.input<typeof ActionConfig>;
export type CommandActionConfig = z.infer<typeof CommandActionConfig>;
export type HttpActionConfig = z.infer<typeof HttpActionConfig>;
export type GpioActionConfig = z.infer<typeof GpioActionConfig>;

import { z } from 'zod';
import { PixelRect } from '../regions/config.ts';

const timing = {
  captureDelayMs: z
    .number()
    .min(-1000)
    .max(60_000)
    .default(0)
    .describe(
      'from the trigger to the moment the part is best placed in the view, ms: the frame nearest that moment is inspected',
    ),
  maxOffsetMs: z
    .number()
    .positive()
    .max(10_000)
    .optional()
    .describe(
      'the chosen frame may be this far from that moment, ms; farther is a missed part (default: one frame interval)',
    ),
};

export const TriggerConfig = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z
        .literal('free-run')
        .describe('every frame is a part (continuous webs, tests; a hardware-triggered camera)'),
    }),
    z.object({
      kind: z
        .literal('gpio')
        .describe(
          "a photo-eye or PLC output on a GPIO input line (Linux GPIO character device, through libgpiod's gpiomon)",
        ),
      chip: z
        .string()
        .min(1)
        .default('gpiochip0')
        .describe('GPIO chip, as gpiodetect lists it')
        .meta({ examples: ['gpiochip0'] }),
      line: z
        .number()
        .int()
        .nonnegative()
        .describe('line offset on the chip')
        .meta({ examples: [17] }),
      edge: z.enum(['rising', 'falling', 'both']).default('rising').describe('which edge is a part'),
      debounceMs: z
        .number()
        .min(0)
        .max(1000)
        .default(5)
        .describe('edges closer than this to the last accepted one are bounce'),
      bias: z
        .enum(['as-is', 'pull-up', 'pull-down', 'disabled'])
        .default('as-is')
        .describe('input bias (libgpiod 2)'),
      activeLow: z.boolean().default(false).describe('the line is active when low'),
      gpiomon: z
        .string()
        .min(1)
        .default('gpiomon')
        .describe('the gpiomon program (Debian/Ubuntu package gpiod)'),
      ...timing,
    }),
    z.object({
      kind: z
        .literal('mqtt')
        .describe('cmd/trigger from the PLC or MES through the broker, optionally with a part id'),
      ...timing,
    }),
    z.object({
      kind: z
        .literal('http')
        .describe("POST /trigger on the agent's local HTTP port (http.port), optionally with a part id"),
      ...timing,
    }),
    z.object({
      kind: z.literal('plc').describe('the trigger coil of the PLC handshake (Modbus TCP, plc:)'),
      ...timing,
    }),
    z.object({
      kind: z.literal('conveyor').describe("the simulated conveyor's photo-eye (source kind conveyor)"),
      ...timing,
    }),
    z.object({
      kind: z
        .literal('presence')
        .describe(
          'software trigger: a part entering a region is found with OpenCV (difference to the empty belt) and the frame where it is best placed is inspected',
        ),
      region: PixelRect.describe(
        "where parts pass through, px; a part is best placed when its centre is at this region's centre",
      ).meta({ examples: [{ x: 0, y: 0, w: 640, h: 256 }] }),
      axis: z.enum(['x', 'y']).default('x').describe('the direction parts move in the image'),
      threshold: z
        .number()
        .int()
        .min(1)
        .max(254)
        .default(40)
        .describe('grey-level difference from the empty belt that counts as part'),
      minArea: z
        .number()
        .min(0.001)
        .max(1)
        .default(0.1)
        .describe('a part covers at least this share of the region'),
      scale: z
        .number()
        .int()
        .min(1)
        .max(16)
        .default(4)
        .describe('look at the region shrunk by this factor (speed)'),
    }),
  ])
  .default({ kind: 'free-run' });

export type TriggerConfig = z.infer<typeof TriggerConfig>;
export type TriggerKind = TriggerConfig['kind'];

import { z } from 'zod';
import { ConveyorSourceConfig } from '../capture/conveyor/config.ts';
import { IdentityConfig } from '../identity/config.ts';
import { RegionsConfig } from '../regions/config.ts';
import { TriggerConfig } from '../trigger/config.ts';

/** Site, line, agent and camera ids: lower-case, digits and dashes. */
export const identifier = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'expected 1-64 of a-z, 0-9 and "-"')
  .meta({ examples: ['line-1'] });

export const SyntheticSourceConfig = z.object({
  kind: z.literal('synthetic').describe('draws parts with defects injected at a known rate (demo, tests)'),
  seed: z.number().int().default(1).describe('random seed; the same seed gives the same parts'),
  defectRate: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('share of defective parts, 0-1')
    .meta({ examples: [0.05] }),
  fps: z.number().nonnegative().default(10).describe('frames per second; 0 = as fast as the pipeline runs'),
  width: z.number().int().min(32).max(4096).default(256),
  height: z.number().int().min(32).max(4096).default(256),
  prerender: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(0)
    .describe(
      'render this many parts once and replay them from memory (benchmarks: the pipeline without the renderer); 0 = render every part',
    ),
  stall: z
    .object({
      afterFrames: z.number().int().positive().describe('stop delivering frames after this many'),
      forMs: z.number().int().positive().describe('for this long, then recover'),
    })
    .optional()
    .describe('simulate a camera that goes silent (demo the watchdog and its alarms)'),
});

export const OpenCvSourceConfig = z.object({
  kind: z
    .literal('opencv')
    .describe('OpenCV VideoCapture: a video file, a device index, an RTSP URL or a GStreamer pipeline'),
  uri: z
    .union([z.string().min(1), z.number().int().nonnegative()])
    .describe(
      'file path, device index (0 = /dev/video0), rtsp://..., or a GStreamer pipeline ending in appsink',
    )
    .meta({ examples: ['/data/line.mp4', 0, 'rtsp://10.0.0.5/stream1'] }),
  fps: z.number().nonnegative().default(0).describe('pace reading to this rate; 0 = as fast as frames come'),
  live: z
    .enum(['auto', 'yes', 'no'])
    .default('auto')
    .describe(
      'live sources keep only the newest frame (drops counted); auto: files are not live, devices and streams are',
    ),
});

export const FolderSourceConfig = z.object({
  kind: z.literal('folder').describe('every image (jpg, png, bmp, tif) in a folder, in name order'),
  path: z
    .string()
    .min(1)
    .describe('folder with images')
    .meta({ examples: ['/data/line-1/images'] }),
  loop: z.boolean().default(false).describe('start again after the last image'),
  fps: z
    .number()
    .nonnegative()
    .default(0)
    .describe('pace reading to this rate; 0 = as fast as the pipeline runs'),
});

export const SourceConfig = z.discriminatedUnion('kind', [
  SyntheticSourceConfig,
  OpenCvSourceConfig,
  FolderSourceConfig,
  ConveyorSourceConfig,
]);

export const CameraConfig = z.object({
  id: identifier.describe('camera id within this agent').meta({ examples: ['cam0'] }),
  source: SourceConfig,
  stallTimeoutMs: z
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('a camera that delivers no frame for this long is reported and reconnected'),
  thread: z
    .enum(['auto', 'main'])
    .default('auto')
    .describe(
      'auto: capture and preprocess in a thread of their own, overlapping inference, where the source allows it (synthetic; OpenCV sources decode in OpenCV threads and preprocess in the main thread); main: always in the inference thread',
    ),
  trigger: TriggerConfig.describe(
    'what makes a part: every frame (free-run), a GPIO input, MQTT, HTTP, the PLC, presence in the image, or the simulated photo-eye',
  ),
  regions: RegionsConfig,
  identity: IdentityConfig,
  encoder: z
    .discriminatedUnion('kind', [
      z.object({
        kind: z
          .literal('conveyor')
          .describe("the count each frame carries (the conveyor simulation; a camera's encoder chunk data)"),
      }),
      z.object({
        kind: z.literal('plc').describe('the count the PLC writes into its encoder registers (plc:)'),
      }),
    ])
    .optional()
    .describe('the belt encoder, for reject delays in counts (actions[].delayCounts)'),
});

export type CameraConfig = z.infer<typeof CameraConfig>;
export type SourceConfig = z.infer<typeof SourceConfig>;

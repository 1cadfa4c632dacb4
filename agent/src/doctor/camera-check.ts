import type { CapturedFrame, FrameSource } from '../capture/index.ts';
import type { CameraConfig } from '../config/index.ts';
import { type Check, errorMessage, fail, pass, within } from './check.ts';

/** What to try when a camera of this kind does not deliver. */
function cameraFix(camera: CameraConfig, message: string): string {
  const s = camera.source;
  if (message.includes('SL_OPENCV_MISSING') || message.includes('OpenCV addon')) {
    return 'install libopencv-dev (JetPack ships OpenCV on a Jetson), then run scripts/pnpm-install.sh again';
  }
  if (s.kind === 'folder')
    return `check that ${s.path} exists, holds jpg/png/bmp/tif images, and is readable by the agent's user`;
  if (s.kind === 'opencv') {
    const uri = String(s.uri);
    if (typeof s.uri === 'number' || uri.startsWith('/dev/video')) {
      const dev = typeof s.uri === 'number' ? `/dev/video${s.uri}` : uri;
      return `check the cable and \`ls /dev/video*\`; the agent's user must be in the video group; is another process holding it? \`fuser ${dev}\``;
    }
    if (/^[a-z]+:\/\//i.test(uri))
      return 'check the stream URL, user and password, and that the camera is reachable (ping it, open the URL in VLC)';
    if (uri.includes('!')) return 'test the pipeline with `gst-launch-1.0` (replace appsink with fakesink)';
    return `check that ${uri} exists and is readable by the agent's user`;
  }
  return 'check the camera settings in agent.yaml';
}

/** Opens the camera and waits for one frame. */
export async function checkCamera(
  camera: CameraConfig,
  source: FrameSource,
  timeoutMs: number,
): Promise<{ check: Check; frame?: CapturedFrame }> {
  const name = `camera ${camera.id}`;
  const start = performance.now();
  try {
    await within(timeoutMs, `${name}: open`, source.open());
    const captured = await within(timeoutMs, `${name}: first frame`, source.read());
    if (!captured)
      return { check: fail(name, 'the source ended before its first frame', cameraFix(camera, '')) };
    const { width, height, channels } = captured.frame;
    const ms = Math.round(performance.now() - start);
    return {
      check: pass(
        name,
        `${width}x${height} ${channels === 3 ? 'colour' : 'grey'} frame in ${ms} ms (${source.kind})`,
      ),
      frame: captured,
    };
  } catch (err) {
    const message = errorMessage(err);
    const code = (err as { code?: string }).code;
    return {
      check: fail(name, code ? `${code}: ${message}` : message, cameraFix(camera, `${code} ${message}`)),
    };
  } finally {
    await source.close().catch(() => undefined);
  }
}

import { ClockResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import type { RouteDoc } from './route-doc.ts';
import type { BucketClock } from './series.ts';

export const clockDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/clock',
    summary: "The hub's time and how days and shifts line up with the plant's local time",
    description:
      'Lets a client offer "this shift" and "last shift" ranges that match the `shift` buckets of /api/series.',
    response: ClockResponse,
  },
];

export function clockRoutes({ clock, now }: { clock: BucketClock; now: () => number }): Hono {
  const app = new Hono();
  app.get('/api/clock', (c) => {
    const body: ClockResponse = {
      now: now(),
      utc_offset_minutes: clock.utcOffsetMinutes,
      shift_start_minute: clock.shiftStartMinute,
      shift_minutes: clock.shiftMinutes,
    };
    return c.json(body);
  });
  return app;
}

import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Reads server-sent events from a fetch Response body (not EventSource: that cannot send the bearer token,
 * and hides the keep-alive comments the hub sends, which tell a quiet stream from a dead one).
 * Resolves when the stream ends; rejects when reading fails.
 */
export async function readEvents(
  body: ReadableStream<Uint8Array>,
  handlers: { onEvent: (message: EventSourceMessage) => void; onActivity: () => void },
): Promise<void> {
  const parser = createParser({ onEvent: handlers.onEvent, onComment: handlers.onActivity });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      handlers.onActivity();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
}

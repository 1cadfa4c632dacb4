export { createFileOutbox, type FileOutboxOptions, type FsyncPolicy } from './file-outbox.ts';
export { type OutboxContents, readOutbox } from './inspect.ts';
export { createMemoryOutbox } from './memory-outbox.ts';
export type { Outbox, OutboxEntry } from './outbox.ts';
export { createSeqCounter, type SeqCounter, writeDurably } from './seq-counter.ts';

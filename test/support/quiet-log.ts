import pino from 'pino';

/** A logger that keeps tests quiet unless SL_TEST_LOG is set. */
export const quietLog = () => pino({ level: process.env.SL_TEST_LOG ?? 'silent' });

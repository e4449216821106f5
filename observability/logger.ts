// One pino logger for the worker and the CLI: JSON lines on stderr, level from CASSBERG_LOG_LEVEL.
import pino, { type Logger } from 'pino';

export const logger: Logger = pino(
  {
    name: 'cassberg',
    level: process.env.CASSBERG_LOG_LEVEL ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination(2),
);

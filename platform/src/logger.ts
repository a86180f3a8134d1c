import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logger; one child per service, request or consumer. */
export function createLogger(service: string, level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({ name: service, level, base: { service } });
}

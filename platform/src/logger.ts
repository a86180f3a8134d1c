import pino from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config';

export type Logger = pino.Logger;

/**
 * Structured logger; one child per service, request or consumer. `json` (the default, for
 * production log pipelines) writes one object a line; `pretty` (what `npm start` uses) writes
 * readable lines with the time, the service and multi-line stack traces.
 */
export function createLogger(service: string, level: LogLevel = 'info', format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = { name: service, level, base: { service } };
  if (format === 'json') return pino(options);
  const stream = pretty({
    sync: true,
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,service',
    messageFormat: '[{service}] {msg}',
  });
  return pino(options, stream);
}

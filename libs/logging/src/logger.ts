import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Field paths pino blanks out wherever they appear. Secrets should never be passed to a
 * logger in the first place; this is the net under that rule.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'credentials',
  '*.credentials',
];

export interface LoggerOptions {
  level?: string;
  /** Write to this stream instead of stdout (tests capture logs this way). */
  destination?: pino.DestinationStream;
}

/**
 * The root logger of a process. Pretty output only when stdout is a terminal; JSON
 * otherwise, for collectors.
 */
export function createRootLogger(options: LoggerOptions = {}): Logger {
  const pretty = !options.destination && process.stdout.isTTY;
  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@switchyard/logging';

/** Nest's own messages (start-up, route mapping) through the process's pino logger. */
export class PinoNestLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger.child({ component: 'Nest' });
  }

  log(message: unknown, context?: string): void {
    // Route mapping and module start-up lines are noise at info level.
    this.logger.debug({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

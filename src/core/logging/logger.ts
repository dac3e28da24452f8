import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/** Personal numbers (10 or 12 digits, with or without separator) never reach the logs. */
const PERSONAL_NUMBER = /(?<!\d)(\d{2})?(\d{6})[-+]?(\d{4})(?!\d)/g;

export function maskPersonalNumbers(text: string): string {
  return text.replace(
    PERSONAL_NUMBER,
    (_m, century: string | undefined, date: string) => `${century ?? ''}${date}-****`,
  );
}

/**
 * An error as it may be logged. Database errors (MikroORM's *Exception, driver errors with an SQL
 * state) carry the SQL with its values (names, grades) in their message: log only their class, SQL
 * state and, if asked, stack frames.
 */
export function describeErrorForLog(error: unknown, withStack = false): string {
  if (!(error instanceof Error)) return String(error);
  const sqlState = (error as { sqlState?: unknown }).sqlState ?? (error as { code?: unknown }).code;
  const frames = withStack ? `\n${(error.stack ?? '').split('\n').slice(1).join('\n')}` : '';
  if (/Exception$/.test(error.name) || (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState))) {
    return `${error.name} (${String(sqlState ?? 'no code')})${frames}`;
  }
  return withStack ? (error.stack ?? error.message) : error.message;
}

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalNumbers(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  }
  if (value instanceof Error) return { type: value.name, message: maskPersonalNumbers(value.message) };
  return value;
}

export function createRootLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'grade-catalog-hub' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map(maskDeep) as Parameters<typeof method>);
      },
    },
  });
}

/** Nest's logger interface over pino, so framework messages are structured and masked too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
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

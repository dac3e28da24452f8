/**
 * Typed errors decide retries (DESIGN.md §3): connectors throw these; the workflow maps
 * `permanent` to BullMQ's UnrecoverableError and `retryable` to backoff.
 */
export type ErrorKind = 'retryable' | 'permanent';

export class ConnectorError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable machine-readable code, e.g. "bankid.maintenance" or "archive.io". */
    readonly code: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  static retryable(code: string, message: string, cause?: unknown): ConnectorError {
    return new ConnectorError('retryable', code, message, cause);
  }

  static permanent(code: string, message: string, cause?: unknown): ConnectorError {
    return new ConnectorError('permanent', code, message, cause);
  }
}

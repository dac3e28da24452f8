import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IllegalTransitionError } from '../../catalogs/catalog-state';
import { OptimisticLockError } from '@mikro-orm/core';
import { ConnectorError } from '../errors';
import { describeErrorForLog, maskPersonalNumbers } from '../logging/logger';
import { Problem } from './problem';

/** Every error leaves the API as application/problem+json; internals never leak. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request>();
    const problem = this.toProblem(exception);
    if (exception instanceof ConnectorError) {
      // A peer's fault, already typed and told to the client: one line, no stack.
      this.logger.warn(
        `${request.method} ${maskPersonalNumbers(request.path)}: ${exception.code}: ${exception.message}`,
      );
    } else if (problem.status >= 500) {
      this.logger.error(
        `${request.method} ${maskPersonalNumbers(request.path)} failed: ${describeErrorForLog(exception, true)}`,
      );
    }
    const body: Record<string, unknown> = {
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      // URLs may carry personal numbers a client put there by mistake.
      instance: maskPersonalNumbers(request.originalUrl),
    };
    if (problem.errors) body.errors = problem.errors;
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof Problem) return exception;
    if (exception instanceof IllegalTransitionError) return Problem.conflict(exception.message);
    if (exception instanceof ConnectorError) return connectorProblem(exception);
    // Two writers raced on one catalog and this one lost: the client may re-read and retry.
    if (exception instanceof OptimisticLockError) {
      return Problem.conflict(
        'The catalog was changed by another request at the same time; read it again and retry.',
      );
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const detail =
        typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? exception.message);
      if (exception.name === 'PayloadTooLargeException')
        return new Problem(413, 'Payload too large', 'The request body is too large.');
      // Nest wraps body-parser's JSON SyntaxError in a 400.
      if (status === 400 && (exception.cause instanceof SyntaxError || /JSON/.test(detail))) {
        return Problem.badRequest('The request body is not valid JSON.');
      }
      // body-parser reports malformed JSON as a 400 SyntaxError.
      return new Problem(
        status,
        exception.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
        detail,
      );
    }
    const anyErr = exception as { type?: string; status?: number; message?: string };
    if (anyErr?.type === 'entity.parse.failed')
      return Problem.badRequest('The request body is not valid JSON.');
    if (anyErr?.type === 'entity.too.large')
      return new Problem(413, 'Payload too large', 'The request body is too large.');
    return new Problem(500, 'Internal error', 'An unexpected error occurred; it has been logged.');
  }
}

/** A peer's fault seen through the API: the SAS learns what happened and whether to retry. */
function connectorProblem(error: ConnectorError): Problem {
  if (error.code === 'bankid.alreadyInProgress') {
    return Problem.conflict(
      'BankID already has an order in progress for this person; both were cancelled. Try again.',
    );
  }
  if (error.kind === 'retryable') {
    return new Problem(503, 'Peer unavailable', `${error.code}: ${error.message} Retry later.`);
  }
  return new Problem(502, 'Peer refused the request', `${error.code}: ${error.message}`);
}

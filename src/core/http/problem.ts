import { HttpStatus } from '@nestjs/common';
import type { ValidationIssue } from '../../catalogs/catalog.types';

/** RFC 9457 problem details; thrown by services, rendered by ProblemFilter. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type = `https://grade-catalog-hub.dev/problems/${slug(title)}`,
    readonly errors?: ValidationIssue[],
  ) {
    super(detail);
    this.name = 'Problem';
  }

  static validation(
    errors: ValidationIssue[],
    detail = 'The request is invalid; every problem is listed in errors.',
  ): Problem {
    return new Problem(HttpStatus.UNPROCESSABLE_ENTITY, 'Validation failed', detail, undefined, errors);
  }
  static badRequest(detail: string, errors?: ValidationIssue[]): Problem {
    return new Problem(HttpStatus.BAD_REQUEST, 'Bad request', detail, undefined, errors);
  }
  static notFound(detail = 'No such resource.'): Problem {
    return new Problem(HttpStatus.NOT_FOUND, 'Not found', detail);
  }
  static conflict(detail: string): Problem {
    return new Problem(HttpStatus.CONFLICT, 'Conflict', detail);
  }
  static forbidden(detail: string): Problem {
    return new Problem(HttpStatus.FORBIDDEN, 'Forbidden', detail);
  }
  static unauthorized(detail: string): Problem {
    return new Problem(HttpStatus.UNAUTHORIZED, 'Unauthorized', detail);
  }
  static unavailable(detail: string): Problem {
    return new Problem(HttpStatus.SERVICE_UNAVAILABLE, 'Service unavailable', detail);
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

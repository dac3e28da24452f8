import type { NextFunction, Request, Response } from 'express';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The REST API speaks JSON only: a body of another media type is 415, not a confusing 422. */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  const type = req.header('content-type');
  if (hasBody && (!type || !JSON_TYPE.test(type))) {
    res
      .status(415)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'https://grade-catalog-hub.dev/problems/unsupported-media-type',
          title: 'Unsupported media type',
          status: 415,
          detail: 'Send the request body as application/json.',
          errors: [
            { pointer: '', code: 'unsupported_media_type', detail: 'Content-Type must be application/json.' },
          ],
        }),
      );
    return;
  }
  next();
}

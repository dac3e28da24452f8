import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiClientRegistry } from '../core/auth/api-clients';
import type { HubConfig } from '../core/config/config.schema';
import { QUEUE_NAMES } from '../workflow/job-catalogue';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/**
 * Admin-only guard for the board: `Authorization: Bearer <admin key>`, or HTTP Basic with the
 * admin key as the password (what a browser can send). Anything else is 401/403 problem+json.
 */
export function adminKeyMiddleware(registry: ApiClientRegistry) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.header('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const key =
      bearer ??
      (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined);
    const client = key ? registry.authenticate(key) : undefined;
    const problem = (status: number, title: string, detail: string) =>
      res
        .status(status)
        .type('application/problem+json')
        .set(status === 401 ? { 'www-authenticate': 'Basic realm="grade-catalog-hub queues"' } : {})
        .send(
          JSON.stringify({
            type: `https://grade-catalog-hub.dev/problems/${title.toLowerCase()}`,
            title,
            status,
            detail,
          }),
        );
    if (!client)
      return void problem(401, 'Unauthorized', 'Send an admin API key (Bearer, or as the Basic password).');
    if (!client.roles.includes('admin'))
      return void problem(403, 'Forbidden', 'The queue board needs the admin role.');
    next();
  };
}

/** BullMQ board under /admin/queues (api role), behind admin auth. */
@Module({})
export class QueueBoardModule {
  static forRoot(config: HubConfig): DynamicModule {
    const registry = new ApiClientRegistry(config.apiClients);
    return {
      module: QueueBoardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_BOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: adminKeyMiddleware(registry),
        }),
        ...QUEUE_NAMES.map((name) => BullBoardModule.forFeature({ name, adapter: BullMQAdapter })),
      ],
    };
  }
}

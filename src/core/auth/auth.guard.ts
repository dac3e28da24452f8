import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ApiRole } from '../config/config.schema';
import { Problem } from '../http/problem';
import { ApiClient, ApiClientRegistry } from './api-clients';

const ROLES_KEY = 'hub:roles';

/** Route needs an API client holding one of these roles. */
export const Roles = (...roles: ApiRole[]) => SetMetadata(ROLES_KEY, roles);

type AuthedRequest = Request & { apiClient?: ApiClient };

export const CurrentClient = createParamDecorator((_: unknown, ctx: ExecutionContext): ApiClient => {
  const client = ctx.switchToHttp().getRequest<AuthedRequest>().apiClient;
  if (!client) throw Problem.unauthorized('Authentication required.');
  return client;
});

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly registry: ApiClientRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<ApiRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles) return true; // public route (health, metrics)
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw Problem.unauthorized('Send an API key as "Authorization: Bearer <key>".');
    const client = this.registry.authenticate(match[1]);
    if (!client) throw Problem.unauthorized('Unknown API key.');
    if (!roles.some((role) => client.roles.includes(role))) {
      throw Problem.forbidden(`This operation needs one of the roles: ${roles.join(', ')}.`);
    }
    request.apiClient = client;
    return true;
  }
}

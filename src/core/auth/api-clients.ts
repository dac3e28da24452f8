import { timingSafeEqual } from 'node:crypto';
import type { ApiClientConfig, ApiRole } from '../config/config.schema';
import { sha256Hex } from '../hashing';

export interface ApiClient {
  id: string;
  displayName: string;
  municipalityCode: string;
  schoolUnits: readonly string[];
  roles: readonly ApiRole[];
}

/** Looks up API clients by the SHA-256 of their key; keys themselves are never held. */
export class ApiClientRegistry {
  private readonly byHash = new Map<string, ApiClient>();

  constructor(clients: readonly ApiClientConfig[]) {
    for (const c of clients) {
      this.byHash.set(c.keySha256, {
        id: c.id,
        displayName: c.displayName ?? c.id,
        municipalityCode: c.municipalityCode,
        schoolUnits: c.schoolUnits,
        roles: c.roles,
      });
    }
  }

  authenticate(apiKey: string): ApiClient | undefined {
    const hash = sha256Hex(apiKey);
    for (const [known, client] of this.byHash) {
      if (timingSafeEqual(Buffer.from(known), Buffer.from(hash))) return client;
    }
    return undefined;
  }
}

export function coversSchoolUnit(client: ApiClient, schoolUnitCode: string): boolean {
  return client.schoolUnits.includes('*') || client.schoolUnits.includes(schoolUnitCode);
}

import type { Connector } from '../core/connectors/ports';

export interface ConnectorView {
  name: string;
  port: string;
}

export interface ConnectorCheckResult extends ConnectorView {
  ok: boolean;
  detail?: string;
  ms: number;
}

/** Every configured connector instance with the port it implements. */
export function describeConnectors(connectors: { port: string; connector: Connector }[]): ConnectorView[] {
  return connectors.map(({ port, connector }) => ({ name: connector.name, port }));
}

/** checkConnection() of each connector, with a timeout so one hanging peer does not hide the others. */
export async function checkConnectors(
  connectors: { port: string; connector: Connector }[],
  timeoutMs = 5000,
): Promise<ConnectorCheckResult[]> {
  return Promise.all(
    connectors.map(async ({ port, connector }) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          connector.checkConnection(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return {
          name: connector.name,
          port,
          ok: result.ok,
          ...(result.detail ? { detail: result.detail } : {}),
          ms: Date.now() - started,
        };
      } catch (error) {
        return {
          name: connector.name,
          port,
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
          ms: Date.now() - started,
        };
      } finally {
        if (timer) clearTimeout(timer);
      }
    }),
  );
}

/**
 * Drives the hub's public API the way a student-administration system and a handläggare would:
 * submit catalogs, start a BankID signing session per signer (one at a time per person, as BankID
 * allows), poll it, approve, and wait for completion.
 */

export interface ApiError extends Error {
  status: number;
  body: unknown;
}

export class HubApi {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.key}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        });
        const text = await response.text();
        const parsed =
          text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
        if (response.status >= 400) {
          const error = new Error(
            `${method} ${path} → ${response.status}: ${typeof parsed === 'string' ? parsed : JSON.stringify(parsed)}`,
          ) as ApiError;
          error.status = response.status;
          error.body = parsed;
          throw error;
        }
        return { status: response.status, body: parsed as T };
      } catch (error) {
        // Connection hiccups are retried; answers (4xx/5xx) are the caller's business.
        if ((error as ApiError).status !== undefined || attempt >= 5) throw error;
        await sleep(200 * attempt);
      }
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs tasks with at most `limit` in flight. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  });
  await Promise.all(workers);
}

interface CatalogSummary {
  id: string;
  status: string;
  externalId: string;
}

export async function listAll(api: HubApi, status: string): Promise<CatalogSummary[]> {
  const items: CatalogSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?status=${status}&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
    const page: { body: { items: CatalogSummary[]; nextCursor: string | null } } = await api.call(
      'GET',
      `/api/v1/catalogs${query}`,
    );
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

export interface SessionView {
  sessionId: string;
  status: 'PENDING' | 'COMPLETE' | 'FAILED';
  hintCode: string | null;
  qrData: string | null;
}

/** Signs one catalog as one signer: start a session, poll it like a SAS showing the QR code would. */
export async function signAs(
  api: HubApi,
  catalogId: string,
  signerPersonalNumber: string,
  pollMs = 1000,
): Promise<SessionView> {
  const started = await api.call<SessionView>('POST', `/api/v1/catalogs/${catalogId}/signing-sessions`, {
    signerPersonalNumber,
    endUserIp: '192.0.2.10',
  });
  let view = started.body;
  const deadline = Date.now() + 5 * 60_000;
  while (view.status === 'PENDING' && Date.now() < deadline) {
    await sleep(pollMs);
    view = (await api.call<SessionView>('GET', `/api/v1/signing-sessions/${view.sessionId}`)).body;
  }
  return view;
}

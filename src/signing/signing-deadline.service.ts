import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { recordEvent, WORKER_ACTOR } from '../audit/events';
import { Catalog, Signer } from '../catalogs/catalog.entities';
import { HubConfig, signingRulesFor } from '../core/config/config.schema';
import { HUB_CONFIG } from '../core/tokens';
import { ResultNotifier } from '../delivery/result-notifier.service';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { SigningReminder } from './signing.entities';

const PAGE = 500;

/** When a catalog's signatures are due (null = no deadline configured for its municipality). */
export function signingDeadline(
  config: HubConfig,
  catalog: Pick<Catalog, 'municipalityCode' | 'createdAt'>,
): Date | null {
  const minutes = signingRulesFor(config, catalog.municipalityCode).deadlineMinutes;
  return minutes ? new Date(catalog.createdAt.getTime() + minutes * 60_000) : null;
}

/**
 * Reconciler-style scan (worker role): for catalogs still AWAITING_SIGNATURE, sends the configured
 * reminders and, once the deadline has passed, reports the catalog as overdue (event + ResultSink).
 * An overdue catalog is reported, never dropped: it stays AWAITING_SIGNATURE. Each reminder is a
 * unique row (catalog, kind, number) written with its notification, so several workers send it once.
 */
@Injectable()
export class SigningDeadlineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SigningDeadlineService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly results: ResultNotifier,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    const rules = this.config.signingRules;
    const any = [rules, ...Object.values(rules.municipalities)].some(
      (r) => r.deadlineMinutes || (r.reminderMinutes?.length ?? 0) > 0,
    );
    if (!any) return;
    this.timer = setInterval(() => void this.tick(), rules.scanIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.scan(new Date());
    try {
      await this.running;
    } catch (error) {
      this.logger.warn(`signing deadline scan failed, will retry: ${String(error)}`);
    } finally {
      this.running = undefined;
    }
  }

  /** One pass; returns how many reminders/deadline reports were sent. */
  async scan(now: Date): Promise<number> {
    let sent = 0;
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const em = this.orm.em.fork();
      const page: Catalog[] = await em.find(
        Catalog,
        after
          ? {
              status: 'AWAITING_SIGNATURE',
              $or: [
                { createdAt: { $gt: after.createdAt } },
                { createdAt: after.createdAt, id: { $gt: after.id } },
              ],
            }
          : { status: 'AWAITING_SIGNATURE' },
        { orderBy: { createdAt: 'asc', id: 'asc' }, limit: PAGE },
      );
      for (const catalog of page) sent += await this.check(catalog, now);
      if (page.length < PAGE) break;
      after = { createdAt: page[page.length - 1].createdAt, id: page[page.length - 1].id };
    }
    if (sent > 0) this.dispatcher.nudge();
    return sent;
  }

  private async check(catalog: Catalog, now: Date): Promise<number> {
    const rules = signingRulesFor(this.config, catalog.municipalityCode);
    const due: { kind: 'REMINDER' | 'DEADLINE'; number: number }[] = [];
    rules.reminderMinutes.forEach((minutes, i) => {
      if (catalog.createdAt.getTime() + minutes * 60_000 <= now.getTime())
        due.push({ kind: 'REMINDER', number: i + 1 });
    });
    const deadline = signingDeadline(this.config, catalog);
    if (deadline && deadline <= now) due.push({ kind: 'DEADLINE', number: 1 });
    if (due.length === 0) return 0;
    const em = this.orm.em.fork();
    const done = await em.find(SigningReminder, { catalog });
    let sent = 0;
    for (const item of due.filter((d) => !done.some((r) => r.kind === d.kind && r.number === d.number))) {
      try {
        await em.fork().transactional(async (tx) => {
          const current = await tx.findOneOrFail(Catalog, catalog.id);
          if (current.status !== 'AWAITING_SIGNATURE') return;
          const signers = await tx.find(Signer, { catalog: current });
          const missing = signers
            .filter((s) => !s.signedAt)
            .map((s) => ({ position: s.position + 1, role: s.role }));
          tx.create(SigningReminder, { catalog: current, kind: item.kind, number: item.number });
          const type = item.kind === 'DEADLINE' ? 'signing.deadlinePassed' : 'signing.reminder';
          const data = {
            number: item.number,
            missingSignatures: missing.length,
            missingSigners: missing,
            deadline: deadline?.toISOString() ?? null,
          };
          recordEvent(tx, current.id, type, WORKER_ACTOR, data);
          this.results.enqueue(tx, current, type, { ...data, discriminator: item.number });
          sent++;
        });
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error; // another worker sent it
      }
    }
    return sent;
  }
}

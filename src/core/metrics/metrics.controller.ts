import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HubMetrics } from './hub-metrics';

/**
 * Prometheus scrape endpoint. Deliberately unauthenticated (scrapers rarely send bearer tokens):
 * it carries counts by status, job name, queue and error code only — no ids, no personal data.
 * Restrict it at the network/ingress if that is still too much.
 */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: HubMetrics) {}

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.status(200).type(contentType).send(body);
  }
}

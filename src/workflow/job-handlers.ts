import { Injectable } from '@nestjs/common';
import { JobName, JobPayloads } from './job-catalogue';

export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], attempt: number): Promise<void>;
  /** Called once when the job will not be retried again (permanent error or attempts used up). */
  onGiveUp(payload: JobPayloads[N], error: Error): Promise<void>;
}

/** Business modules register their handlers here; processors only route to them. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`Job ${name} has two handlers`);
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  get<N extends JobName>(name: N): JobHandler<N> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler registered for job ${name}`);
    return handler as unknown as JobHandler<N>;
  }

  missing(names: readonly JobName[]): JobName[] {
    return names.filter((name) => !this.handlers.has(name));
  }
}

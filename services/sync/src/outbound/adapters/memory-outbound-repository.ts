import { randomUUID } from 'node:crypto';
import { earliestStart, lengthBeyondDay, mergeEvent, type OutboundEvent } from '../domain/outbound-event.js';
import type { OutboundRepository } from '../domain/outbound-repository.js';
import {
  jobKey,
  type ClaimedJob,
  type Settlement,
  type WriteBackJob,
  type WriteRequest,
} from '../domain/write-back-job.js';

interface StoredJob extends WriteBackJob {
  leaseId: string | null;
  leaseUntil: Date | null;
}

const copyEvent = (event: OutboundEvent): OutboundEvent => ({ ...event, guests: [...event.guests] });
const publicJob = ({ leaseId: _l, leaseUntil: _u, ...job }: StoredJob): WriteBackJob => ({ ...job });

/** The outbound store in memory: the embedded system's, and the contract suite's reference. */
export class MemoryOutboundRepository implements OutboundRepository {
  private readonly events = new Map<string, OutboundEvent>();
  private readonly tokens = new Map<string, string>();
  private readonly jobs = new Map<string, StoredJob>();
  /** Per calendar, its longest event beyond a day (see `earliestStart`). */
  private readonly longest = new Map<string, number>();

  async init(): Promise<void> {}

  async applyEvent(event: OutboundEvent): Promise<boolean> {
    const length = lengthBeyondDay(event);
    if (length > (this.longest.get(event.calendarId) ?? 0)) this.longest.set(event.calendarId, length);
    const merged = mergeEvent(this.events.get(event.id), event);
    if (merged) this.events.set(event.id, copyEvent(merged));
    return merged !== null;
  }

  async findEvent(eventId: string): Promise<OutboundEvent | null> {
    const event = this.events.get(eventId);
    return event ? copyEvent(event) : null;
  }

  async feedEvents(calendarId: string, endsFrom: Date, limit: number): Promise<OutboundEvent[]> {
    // The same bound as the MongoDB query's, so that both stores answer alike.
    const from = earliestStart(endsFrom, this.longest.get(calendarId) ?? 0).getTime();
    return [...this.events.values()]
      .filter(
        (event) =>
          event.calendarId === calendarId && event.start.getTime() >= from && event.end.getTime() >= endsFrom.getTime(),
      )
      .sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map(copyEvent);
  }

  async setFeedToken(calendarId: string, tokenHash: string): Promise<void> {
    this.tokens.set(calendarId, tokenHash);
  }

  async feedTokenHash(calendarId: string): Promise<string | null> {
    return this.tokens.get(calendarId) ?? null;
  }

  async recordWrite(request: WriteRequest, now: Date): Promise<void> {
    const key = jobKey(request.sourceId, request.eventId);
    const stored = this.jobs.get(key);
    if (stored && stored.version >= request.version) return;
    this.jobs.set(key, {
      ...request,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      leaseId: stored?.leaseId ?? null,
      leaseUntil: stored?.leaseUntil ?? null,
    });
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedJob[]> {
    const due = [...this.jobs.values()]
      .filter(
        (job) =>
          job.state === 'pending' &&
          job.nextAttemptAt !== null &&
          job.nextAttemptAt.getTime() <= now.getTime() &&
          (job.leaseUntil === null || job.leaseUntil.getTime() <= now.getTime()),
      )
      .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime())
      .slice(0, limit);
    return due.map((job) => {
      job.leaseId = randomUUID();
      job.leaseUntil = new Date(now.getTime() + leaseMs);
      job.attempts += 1;
      return { ...publicJob(job), leaseId: job.leaseId };
    });
  }

  async settle(claimed: ClaimedJob, outcome: Settlement): Promise<void> {
    const key = jobKey(claimed.sourceId, claimed.eventId);
    const job = this.jobs.get(key);
    if (!job || job.leaseId !== claimed.leaseId) return;
    job.leaseId = null;
    job.leaseUntil = null;
    if (job.version !== claimed.version) return;
    switch (outcome.kind) {
      case 'done':
        Object.assign(job, { state: 'done', nextAttemptAt: null, lastError: null });
        return;
      case 'retry':
        Object.assign(job, { nextAttemptAt: outcome.at, lastError: outcome.error });
        return;
      case 'failed':
        Object.assign(job, { state: 'failed', nextAttemptAt: null, lastError: outcome.error });
        return;
      case 'dropped':
        this.jobs.delete(key);
    }
  }

  async findWriteJob(sourceId: string, eventId: string): Promise<WriteBackJob | null> {
    const job = this.jobs.get(jobKey(sourceId, eventId));
    return job ? publicJob(job) : null;
  }

  async dropWriteJobs(sourceId: string): Promise<void> {
    for (const [key, job] of this.jobs) if (job.sourceId === sourceId) this.jobs.delete(key);
  }

  async forgetCalendar(calendarId: string): Promise<void> {
    this.tokens.delete(calendarId);
    for (const [key, job] of this.jobs) if (job.calendarId === calendarId) this.jobs.delete(key);
    for (const [id, event] of this.events) if (event.calendarId === calendarId) this.events.delete(id);
    this.longest.delete(calendarId);
  }
}

import type { Logger } from '@slotkeeper/observability';
import { writesBookings, type BusySource, type SecretSealer, type SourceRepository } from '../domain/busy-source.js';
import type { WriteTarget, WriteTargets } from '../domain/ports.js';
import { openSecrets, SecretsUnreadable } from '../domain/source-secrets.js';

/**
 * The write-back targets from the store: the calendars' CalDAV sources with `write_bookings`. Their
 * secrets are opened only for a write (`target`); which sources they are needs none
 * (`sourceIdsFor`), so a source whose key was dropped still gets its jobs, and they wait for it.
 */
export class StoreWriteTargets implements WriteTargets {
  constructor(
    private readonly sources: SourceRepository,
    private readonly secrets: SecretSealer,
    private readonly logger: Logger,
  ) {}

  async sourceIdsFor(calendarId: string): Promise<string[]> {
    return (await this.sources.writeTargets(calendarId)).map((source) => source.id);
  }

  async target(sourceId: string): Promise<WriteTarget | null> {
    const source = await this.sources.find(sourceId);
    return source && writesBookings(source) ? this.opened(source) : null;
  }

  /** Secrets that no longer open leave that target out, logged without them, rather than failing the others. */
  async forCalendar(calendarId: string): Promise<WriteTarget[]> {
    const targets: WriteTarget[] = [];
    for (const source of await this.sources.writeTargets(calendarId)) {
      try {
        targets.push(this.opened(source));
      } catch (error) {
        if (!(error instanceof SecretsUnreadable)) throw error;
        this.logger.warn(
          { sourceId: source.id, calendarId },
          'write-back target left out: its secrets cannot be opened with the configured SECRET_KEYS',
        );
      }
    }
    return targets;
  }

  /** Throws SecretsUnreadable. The URL as given: the CalDAV client reads it as a collection. */
  private opened(source: BusySource): WriteTarget {
    const { url, credentials } = openSecrets(source, this.secrets);
    return { sourceId: source.id, calendarId: source.calendarId, url, credentials };
  }
}

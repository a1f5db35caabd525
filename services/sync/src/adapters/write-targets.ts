import { writesBookings, type BusySource, type SecretSealer, type SourceRepository } from '../domain/busy-source.js';
import type { WriteTarget, WriteTargets } from '../domain/ports.js';
import { openSecrets } from '../domain/source-secrets.js';

/**
 * The write-back targets from the store: the calendars' CalDAV sources with `write_bookings`. Their
 * secrets are opened only for a write (`target`); which sources they are needs none
 * (`sourceIdsFor`), so a source whose key was dropped still gets its jobs, and they wait for it.
 */
export class StoreWriteTargets implements WriteTargets {
  constructor(
    private readonly sources: SourceRepository,
    private readonly secrets: SecretSealer,
  ) {}

  async sourceIdsFor(calendarId: string): Promise<string[]> {
    return (await this.sources.writeTargets(calendarId)).map((source) => source.id);
  }

  async target(sourceId: string): Promise<WriteTarget | null> {
    const source = await this.sources.find(sourceId);
    return source && writesBookings(source) ? this.opened(source) : null;
  }

  /** Throws SecretsUnreadable. The URL as given: the CalDAV client reads it as a collection. */
  private opened(source: BusySource): WriteTarget {
    const { url, credentials } = openSecrets(source, this.secrets);
    return { sourceId: source.id, calendarId: source.calendarId, url, credentials };
  }
}

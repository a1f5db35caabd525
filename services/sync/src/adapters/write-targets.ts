import type { Logger } from '@slotkeeper/observability';
import type { SecretSealer, SourceRepository } from '../domain/busy-source.js';
import type { WriteTarget, WriteTargets } from '../domain/ports.js';
import { openSecrets, type OpenedSecrets } from '../domain/source-secrets.js';

/** A collection's URL as write-back needs it: https for webcal, ending with `/`. */
export function collectionUrl(given: string): string {
  const url = new URL(given.replace(/^webcal:/i, 'https:'));
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/**
 * The write-back targets of a calendar from the store: its CalDAV sources with `write_bookings`,
 * their URLs and passwords opened. Secrets that no longer open (their key was dropped) leave that
 * target out, logged without them, rather than failing the others; the source's own sync shows it
 * `failing` with the reason.
 */
export class StoreWriteTargets implements WriteTargets {
  constructor(
    private readonly sources: SourceRepository,
    private readonly secrets: SecretSealer,
    private readonly logger: Logger,
  ) {}

  async forCalendar(calendarId: string): Promise<WriteTarget[]> {
    const targets: WriteTarget[] = [];
    for (const source of await this.sources.writeTargets(calendarId)) {
      let opened: OpenedSecrets;
      try {
        opened = openSecrets(source, this.secrets);
      } catch {
        this.logger.warn(
          { sourceId: source.id, calendarId },
          'write-back target left out: its secrets cannot be opened with the configured SECRET_KEYS',
        );
        continue;
      }
      targets.push({
        sourceId: source.id,
        calendarId,
        url: collectionUrl(opened.url),
        credentials: opened.credentials,
      });
    }
    return targets;
  }
}

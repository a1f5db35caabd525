import type { Logger } from '@slotkeeper/observability';
import { secretContext, type SecretSealer, type SourceRepository } from '../domain/busy-source.js';
import type { WriteTarget, WriteTargets } from '../domain/ports.js';

/** A collection's URL as write-back needs it: https for webcal, ending with `/`. */
export function collectionUrl(given: string): string {
  const url = new URL(given.replace(/^webcal:/i, 'https:'));
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/**
 * The write-back targets of a calendar from the store: its CalDAV sources with `write_bookings`,
 * their passwords opened. A password that no longer opens (its key was dropped) leaves that
 * target out, logged without the secret, rather than failing the others.
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
      let credentials: WriteTarget['credentials'] = null;
      if (source.username !== null && source.sealedPassword !== null) {
        try {
          const password = this.secrets.open(source.sealedPassword, secretContext(source.id));
          credentials = { username: source.username, password };
        } catch {
          this.logger.warn(
            { sourceId: source.id, calendarId },
            'write-back target left out: its password cannot be opened',
          );
          continue;
        }
      }
      targets.push({ sourceId: source.id, calendarId, url: collectionUrl(source.url), credentials });
    }
    return targets;
  }
}

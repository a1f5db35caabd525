/**
 * Facts about the host that move benchmark figures and are easy to miss, printed beside them.
 * Linux only, and only what this user may read; elsewhere nothing is said.
 */
import { readdirSync, readFileSync } from 'node:fs';

const DAMON = '/sys/kernel/mm/damon/admin/kdamonds';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/**
 * The kernel's DAMON monitors that are running, as "sampling every 500 ms, action pageout";
 * `root` is sysfs's kdamonds folder. Each sample walks page tables and clears access bits, which
 * stalls every process for a moment: on this project's VM the paced bookings' p99 was 30–54 ms
 * with it on and 20–29 ms in runs with it off (README, Performance).
 */
export function damonMonitors(root = DAMON): string[] {
  let ids: string[];
  try {
    ids = readdirSync(root).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return ids.flatMap((id) => {
    if (read(`${root}/${id}/state`) !== 'on') return [];
    const context = `${root}/${id}/contexts/0`;
    const sampleUs = Number(read(`${context}/monitoring_attrs/intervals/sample_us`));
    const action = read(`${context}/schemes/0/action`);
    const every = Number.isFinite(sampleUs) ? `sampling every ${sampleUs / 1000} ms` : 'running';
    return [`kdamond ${id} ${every}${action ? `, action ${action}` : ''}`];
  });
}

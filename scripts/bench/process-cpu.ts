/**
 * CPU time of the processes a benchmark drives, read from Linux's /proc, so that a figure per
 * request can say which process spent it. Elsewhere there is no /proc and nothing is reported.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** /proc reports user and system time in USER_HZ ticks: 100 a second on Linux's ABIs. */
const MS_PER_TICK = 10;

function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

/** The Erlang VM of a RabbitMQ node on this machine, if one runs here. */
export function localBrokerPid(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (command.includes('beam.smp') && command.includes('rabbit')) return Number(entry);
    } catch {
      // The process ended while the list was read.
    }
  }
  return undefined;
}

export type CpuSnapshot = Map<string, number>;

/** CPU milliseconds spent so far by each named process; this process is `load generator`. */
export function cpuSnapshot(pids: Map<string, number>): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const [name, pid] of pids) {
    const ms = cpuMs(pid);
    if (ms !== undefined) snapshot.set(name, ms);
  }
  const own = process.cpuUsage();
  snapshot.set('load generator', (own.user + own.system) / 1000);
  return snapshot;
}

/** Microseconds of CPU per request, by process, between two snapshots covering `requests`. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): Record<string, number> {
  const perRequest: Record<string, number> = {};
  let total = 0;
  for (const [name, ms] of after) {
    const spent = ms - (before.get(name) ?? ms);
    perRequest[name] = Math.round((spent * 1000) / requests);
    total += spent;
  }
  perRequest.total = Math.round((total * 1000) / requests);
  return perRequest;
}

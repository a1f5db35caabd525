import { existsSync } from 'node:fs';

export type MongoTarget = { url: string; stop: () => Promise<void> } | { url: undefined; reason: string };

export function dockerReachable(): boolean {
  const host = process.env.DOCKER_HOST;
  if (host) return true;
  return existsSync('/var/run/docker.sock');
}

/**
 * Where the MongoDB leg of a contract suite runs: `MONGODB_URL` when set, a testcontainers
 * MongoDB when a Docker engine answers, otherwise nowhere, with the reason to print.
 */
export async function mongoTarget(): Promise<MongoTarget> {
  if (process.env.MONGODB_URL) return { url: process.env.MONGODB_URL, stop: async () => {} };
  if (!dockerReachable()) {
    return { url: undefined, reason: 'no MONGODB_URL and no Docker engine (no DOCKER_HOST, no /var/run/docker.sock)' };
  }
  try {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const container = await new MongoDBContainer('mongo:8').start();
    const url = `${container.getConnectionString()}/?directConnection=true`;
    return { url, stop: async () => void (await container.stop()) };
  } catch (error) {
    return { url: undefined, reason: `Docker is configured but a MongoDB container did not start: ${String(error)}` };
  }
}

/** A database name of its own for each test file, so legs never see each other's data. */
export function uniqueDbUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return parsed.toString();
}

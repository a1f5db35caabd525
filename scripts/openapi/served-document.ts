/** The OpenAPI document the gateway serves at `/docs/json`, read from the embedded system. */
import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';

export async function servedDocument(): Promise<Record<string, unknown>> {
  const { gateway } = await buildEmbeddedSystem({ logger: silentLogger() });
  try {
    const response = await gateway.inject({ method: 'GET', url: '/docs/json' });
    if (response.statusCode !== 200) throw new Error(`/docs/json answered ${response.statusCode}: ${response.body}`);
    return response.json();
  } finally {
    await gateway.close();
  }
}

/**
 * Writes the OpenAPI document the gateway serves at `/docs/json` to a file (or stdout), for
 * linters and client generators: `pnpm openapi openapi.json`.
 */
import { writeFile } from 'node:fs/promises';
import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';

const [file] = process.argv.slice(2);
const { gateway } = await buildEmbeddedSystem({ logger: silentLogger() });
const response = await gateway.inject({ method: 'GET', url: '/docs/json' });
await gateway.close();
if (response.statusCode !== 200) throw new Error(`/docs/json answered ${response.statusCode}: ${response.body}`);
const document = `${JSON.stringify(response.json(), null, 2)}\n`;
if (file) await writeFile(file, document);
else process.stdout.write(document);

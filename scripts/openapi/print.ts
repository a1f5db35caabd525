/**
 * Writes the OpenAPI document the gateway serves at `/docs/json` to a file (or stdout), for
 * linters and client generators: `pnpm openapi openapi.json`.
 */
import { writeFile } from 'node:fs/promises';
import { servedDocument } from './served-document.js';

const [file] = process.argv.slice(2);
const document = `${JSON.stringify(await servedDocument(), null, 2)}\n`;
if (file) await writeFile(file, document);
else process.stdout.write(document);

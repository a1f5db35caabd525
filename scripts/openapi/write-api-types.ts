/** `pnpm api-types`: writes the API client's types for the document the gateway serves now. */
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { API_TYPES_FILE, apiTypesSource } from './api-types.js';

await writeFile(API_TYPES_FILE, await apiTypesSource());
console.log(`wrote ${relative(process.cwd(), API_TYPES_FILE)}`);

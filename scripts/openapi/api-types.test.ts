import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from './api-types.js';

describe('the API client’s generated types', () => {
  it('when generated afresh from the document the gateway serves, then they equal the committed file (else run `pnpm api-types`)', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    expect(await apiTypesSource()).toBe(committed);
  });
});

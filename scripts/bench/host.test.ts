import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { damonMonitors } from './host.js';

/** A kdamonds folder laid out as sysfs lays it out, with the files the bench reads. */
function kdamonds(monitors: Array<{ state: string; sampleUs?: string; action?: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 'kdamonds-'));
  writeFileSync(join(root, 'nr_kdamonds'), `${monitors.length}\n`);
  monitors.forEach(({ state, sampleUs, action }, id) => {
    const context = join(root, String(id), 'contexts', '0');
    mkdirSync(join(context, 'monitoring_attrs', 'intervals'), { recursive: true });
    mkdirSync(join(context, 'schemes', '0'), { recursive: true });
    writeFileSync(join(root, String(id), 'state'), `${state}\n`);
    if (sampleUs) writeFileSync(join(context, 'monitoring_attrs', 'intervals', 'sample_us'), `${sampleUs}\n`);
    if (action) writeFileSync(join(context, 'schemes', '0', 'action'), `${action}\n`);
  });
  return root;
}

describe('the host facts the bench prints', () => {
  it('names each running DAMON monitor with its sampling interval and action', () => {
    const root = kdamonds([
      { state: 'on', sampleUs: '500000', action: 'pageout' },
      { state: 'off', sampleUs: '5000', action: 'stat' },
      { state: 'on' },
    ]);
    expect(damonMonitors(root)).toEqual(['kdamond 0 sampling every 500 ms, action pageout', 'kdamond 2 running']);
  });

  it('says nothing where there is no DAMON or it cannot be read', () => {
    expect(damonMonitors(join(tmpdir(), 'no-such-kdamonds'))).toEqual([]);
    expect(damonMonitors(kdamonds([{ state: 'off' }]))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { hashLittle2, partitionForKey } from '../../../shared/local/event-hub/partition-key-hash.js';

describe('partition key hashing', () => {
  it('is lookup3 hashlittle2 (published test vectors, seeds 0)', () => {
    // From lookup3.c's driver5: hashlittle2("", 0, &c=0, &b=0) → c=deadbeef b=deadbeef;
    // hashlittle2("Four score and seven years ago", …, 0, 0) → c=17770551 b=ce7226e6.
    expect(hashLittle2(new Uint8Array()).map((x) => x.toString(16))).toEqual(['deadbeef', 'deadbeef']);
    expect(hashLittle2(Buffer.from('Four score and seven years ago')).map((x) => x.toString(16))).toEqual(['17770551', 'ce7226e6']);
  });

  it('maps a key to the same partition every time, case-insensitively, and spreads keys', () => {
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 400; i++) {
      const key = `S${String(i).padStart(4, '0')}`;
      const p = partitionForKey(key, 4);
      expect(partitionForKey(key, 4)).toBe(p);
      expect(partitionForKey(key.toLowerCase(), 4)).toBe(p);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(50);
  });
});

/**
 * FileIndex: layers continued from one another must read exactly like one map that received every
 * action in order (values and key order), whichever layers were flattened before, and a layer must
 * never see what its children set.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FileIndex, type FileAction } from '../../../shared/delta/snapshot/log-replay.js';

const action = (path: string, n: number): FileAction =>
  n % 3 === 0
    ? { remove: { path, deletionTimestamp: n, dataChange: true } }
    : { add: { path, partitionValues: {}, size: n, modificationTime: n, dataChange: true } };

describe('FileIndex', () => {
  test('layered sets read like one map, with flattening at any layer', () => {
    const op = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), n: fc.nat(1000) });
    // Flattening before a layer's sets (the cache must be dropped) and/or after them (then reused).
    const layer = fc.record({
      ops: fc.array(op, { maxLength: 6 }),
      before: fc.boolean(),
      after: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 12 }), (layers) => {
        const reference = new Map<string, FileAction>();
        const seen: { index: FileIndex; snapshot: [string, FileAction][] }[] = [];
        let index = FileIndex.empty();
        layers.forEach((l, i) => {
          if (i > 0) index = index.child();
          if (l.before) index.entries();
          for (const { key, n } of l.ops) {
            const a = action(key, n);
            index.set(key, a);
            reference.set(key, a);
          }
          if (l.after) index.entries();
          seen.push({ index, snapshot: [...reference] });
        });
        // Every layer reads as the reference did when that layer was the newest.
        for (const { index: at, snapshot } of seen) expect([...at.entries()]).toEqual(snapshot);
        expect(index.depth).toBe(layers.length - 1);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Discovery of the landing zone: every key that names a batch-load source becomes a source to load,
 * every key the formats explicitly refuse becomes an `ignored` outcome with its reason, and any other
 * key is skipped without an outcome. Listing reads no file contents.
 */
import type { ObjectStore } from '../delta/storage/object-store.js';
import type { FileOutcome } from './local-load-result.js';
import { classifyLandingPath, type LandingFile } from './source-formats.js';

export async function listSources(
  landing: ObjectStore,
): Promise<{ sources: LandingFile[]; files: FileOutcome[] }> {
  const sources: LandingFile[] = [];
  const files: FileOutcome[] = [];
  for (const meta of await landing.list('')) {
    const classified = classifyLandingPath(meta.key);
    if (classified === undefined) continue;
    if ('ignored' in classified)
      files.push({ path: meta.key, status: 'ignored', rows: 0, quarantined: 0, reason: classified.ignored });
    else sources.push(classified);
  }
  return { sources, files };
}

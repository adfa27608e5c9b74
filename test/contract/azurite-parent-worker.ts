/**
 * A parent process for the harness test: starts Azurite, reports its pid over IPC, then idles until it
 * is killed (SIGKILL, so no exit handler runs) — Azurite must then go away on its own.
 */
import { startAzurite } from '../../shared/local/azurite.js';

const azurite = await startAzurite();
process.send?.({ azuritePid: azurite.pid });
setInterval(() => undefined, 60_000);

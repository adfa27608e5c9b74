/**
 * HMAC-SHA256 (RFC 2104) split so that SQL engines with only a SHA-256 function can compute it:
 * HMAC(K, m) = H((K' ⊕ opad) ‖ H((K' ⊕ ipad) ‖ m)), K' = K (or H(K) when longer than the 64-byte block)
 * zero-padded to 64 bytes. Only the pads reach the engine; the key itself is never put in SQL text.
 */
import { createHash } from 'node:crypto';

const BLOCK = 64;

export interface HmacPads {
  ipad: Uint8Array;
  opad: Uint8Array;
}

export function hmacPads(key: string | Uint8Array): HmacPads {
  let bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (bytes.length === 0) throw new Error('the HMAC key is empty');
  if (bytes.length > BLOCK) bytes = createHash('sha256').update(bytes).digest();
  const ipad = new Uint8Array(BLOCK);
  const opad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    const k = bytes[i] ?? 0;
    ipad[i] = k ^ 0x36;
    opad[i] = k ^ 0x5c;
  }
  return { ipad, opad };
}

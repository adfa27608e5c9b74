/**
 * UTF-8 bytes of one stored value → string, keeping a leading U+FEFF.
 *
 * `new TextDecoder()` drops a leading byte-order mark, which is right for a whole file and wrong for a
 * value: a Parquet string (or a partition value) that starts with U+FEFF would read back without it,
 * so "\uFEFF" read as "" and a max statistic read smaller than the value it bounds. Every decoder of
 * stored values goes through here.
 */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

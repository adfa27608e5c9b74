/**
 * Splits an HTTP request body into event bodies: one JSON object, a JSON array of events, or NDJSON
 * (one event per non-blank line). Each element stays unparsed-as-event, so one bad event is
 * quarantined on its own; only a body that fits none of the three shapes is unparseable (HTTP 400).
 */
export type HttpEvents = { ok: true; events: unknown[] } | { ok: false; message: string };

export function splitHttpBody(text: string): HttpEvents {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { ok: false, message: 'the request body is empty' };
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value)) return { ok: true, events: value };
    return { ok: true, events: [value] };
  } catch {
    // not one JSON value: try NDJSON below
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2)
    return { ok: false, message: 'the body is neither JSON (an event or an array of events) nor NDJSON' };
  // NDJSON: every line is handed over as text; lines that are not JSON become body_not_json rejections.
  const parsedAny = lines.some((l) => {
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
  if (!parsedAny) return { ok: false, message: 'no line of the NDJSON body is JSON' };
  return { ok: true, events: lines };
}

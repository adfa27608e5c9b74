/** Anything thrown, as an Error: failure events and log lines need a name, a message and a stack. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

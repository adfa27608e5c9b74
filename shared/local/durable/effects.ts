/**
 * The side effects one episode asks for, by sequence number of the open task they serve. An episode
 * only records them; they are started after the state naming them is saved, so a crash in between
 * leaves open tasks that `resume()` starts, never work the saved state does not know about.
 */
export interface Effects {
  activities: number[];
  timers: number[];
  cancelTimers: number[];
  children: number[];
  finished: boolean;
}

export function noEffects(): Effects {
  return { activities: [], timers: [], cancelTimers: [], children: [], finished: false };
}

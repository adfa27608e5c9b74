/**
 * Everything the replay runtime knows about one orchestration instance, persisted as a whole after
 * each change, so a new process resumes exactly where the last one stopped: the history the
 * orchestrator is replayed from, the events not yet delivered, and the open tasks (scheduled
 * activities, armed timers, running sub-orchestrations) to resume.
 */
import type { HistoryEvent } from './history.js';
import type { RetryOptionsJson } from './actions.js';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

export interface RetryChain {
  options: RetryOptionsJson;
  /** Failed attempts so far. */
  failures: number;
}

export type OpenTask =
  | { kind: 'activity'; name: string; input: string; retry?: RetryChain }
  | { kind: 'timer'; fireAt: string }
  | { kind: 'retryTimer'; fireAt: string; retryOf: OpenTaskRetryTarget }
  | { kind: 'subOrchestration'; name: string; instanceId: string; input: unknown; retry?: RetryChain };

/** What a retry timer re-runs when it fires with attempts left. */
export type OpenTaskRetryTarget =
  | { kind: 'activity'; name: string; input: string; retry: RetryChain }
  | { kind: 'subOrchestration'; name: string; input: unknown; retry: RetryChain };

export interface InstanceState {
  instanceId: string;
  name: string;
  executionId: number;
  status: RuntimeStatus;
  /** The orchestrator's input as a JSON value (what `getInput()` returns). */
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: { instanceId: string; taskScheduledId: number; executionId: number };
  history: HistoryEvent[];
  /** Events waiting for an episode, oldest first. */
  pending: HistoryEvent[];
  /** Next sequence number (EventId) the SDK will assign. */
  nextId: number;
  /** Signatures of the action leaves seen so far, for the determinism check. */
  knownActions: string[];
  /** Sequence number of each known leaf (-1 for leaves that take none). */
  leafIds: number[];
  /**
   * Open tasks by sequence number. A task stays here until its completion event is delivered (its
   * retry chain is needed then); `completed` marks one whose completion is already pending.
   */
  open: Record<string, OpenTask & { completed?: boolean }>;
}

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

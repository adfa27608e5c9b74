/**
 * One replay of an orchestrator: the whole history goes to the user's handler through the real
 * orchestration trigger, and what comes back is the SDK's orchestration state. A handler that throws
 * still reports the actions it took (after the `$OutOfProcData$:` label in the message), so a failed
 * episode is an outcome with an error, not an exception; only an unknown orchestrator name or an
 * unreadable failure payload rejects.
 */
import type { Invoker } from '../invoker.js';
import { fromTypedData } from '../rpc-data.js';
import type { OrchestratorStateJson } from './actions.js';
import { findOrchestrator, type FunctionMap } from './function-lookup.js';
import type { InstanceState } from './instance-state.js';

export interface OrchestratorOutcome {
  state?: OrchestratorStateJson;
  error?: string;
}

const OUT_OF_PROC_LABEL = '$OutOfProcData$:';

export async function invokeOrchestrator(
  invoker: Invoker,
  functions: FunctionMap,
  state: InstanceState,
): Promise<OrchestratorOutcome> {
  const fn = findOrchestrator(functions, state.name);
  const binding = {
    history: state.history,
    input: state.input,
    instanceId: state.instanceId,
    isReplaying: false,
    parentInstanceId: state.parent?.instanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    // Long enough that the SDK never splits a timer into a LongTimerTask chain.
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: '36500.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  try {
    const response = await invoker.invoke(fn, {
      trigger: { string: JSON.stringify(binding) },
    });
    const returned = fromTypedData(response.returnValue) as OrchestratorStateJson | undefined;
    if (returned === undefined || !Array.isArray(returned.actions))
      return { error: `orchestrator "${state.name}" returned no orchestration state` };
    return { state: returned };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = message.indexOf(OUT_OF_PROC_LABEL);
    if (at < 0) return { error: message };
    const failed = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorStateJson;
    return { state: failed, error: failed.error ?? message.slice(0, at).trim() };
  }
}

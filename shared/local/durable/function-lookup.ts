/**
 * Finds the registered function an orchestration step names. Names match case-insensitively (as the
 * host indexes them) and only a function with the expected trigger counts: an activity cannot be
 * started as an orchestrator, nor the other way round.
 */
import type { IndexedFunction } from '../function-index.js';

export class UnknownFunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly kind: string,
  ) {
    super(`no ${kind} function named "${functionName}" is registered`);
    this.name = 'UnknownFunctionError';
  }
}

export type FunctionMap = ReadonlyMap<string, IndexedFunction>;

export function findOrchestrator(functions: FunctionMap, name: string): IndexedFunction {
  return findFunction(functions, name, 'orchestrationTrigger', 'orchestrator');
}

export function findActivity(functions: FunctionMap, name: string): IndexedFunction {
  return findFunction(functions, name, 'activityTrigger', 'activity');
}

function findFunction(
  functions: FunctionMap,
  name: string,
  triggerType: string,
  kind: string,
): IndexedFunction {
  const fn = functions.get(name.toLowerCase());
  if (fn === undefined || fn.triggerType !== triggerType) throw new UnknownFunctionError(name, kind);
  return fn;
}

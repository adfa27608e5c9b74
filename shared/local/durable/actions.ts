/**
 * The actions an orchestrator episode returns (OrchestratorState, schema ≥ V2: one inner array with
 * every action since the execution started, compound WhenAll/WhenAny kept nested). Leaves in
 * depth-first order are in the order the SDK assigned sequence numbers, so leaf i of this episode is
 * leaf i of the previous one (a different leaf is a determinism violation).
 */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface ActionJson {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  retryOptions?: RetryOptionsJson;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: ActionJson[];
}

export interface OrchestratorStateJson {
  isDone: boolean;
  actions: ActionJson[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
}

/** Leaves of every action list, depth-first, in order. */
export function flattenActions(state: OrchestratorStateJson): ActionJson[] {
  const leaves: ActionJson[] = [];
  const visit = (action: ActionJson): void => {
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      for (const child of action.compoundActions ?? []) visit(child);
    } else {
      leaves.push(action);
    }
  };
  for (const list of state.actions) for (const action of list) visit(action);
  return leaves;
}

/** Does this action take a sequence number (EventId)? */
export function takesSequenceNumber(action: ActionJson): boolean {
  return (
    action.actionType !== ActionType.WaitForExternalEvent && action.actionType !== ActionType.ContinueAsNew
  );
}

/** What must stay identical on replay: the kind and the target (as DTFx checks). */
export function actionSignature(action: ActionJson): string {
  const target = action.functionName ?? action.externalEventName ?? '';
  return `${actionName(action.actionType)}(${target})`;
}

export function actionName(type: number): string {
  return (
    (Object.keys(ActionType) as (keyof typeof ActionType)[]).find((k) => ActionType[k] === type) ??
    `Action${type}`
  );
}

/** The JSON text DTFx stores as an activity's input: string inputs arrive pre-encoded by the SDK. */
export function activityInputText(action: ActionJson): string {
  if (typeof action.input === 'string') return action.input;
  return JSON.stringify(action.input ?? null);
}

/**
 * DurableTask.Core history events in the wire shape the Durable extension sends to out-of-process
 * SDKs (PascalCase, `Timestamp` ISO text). Results and inputs are JSON text, as the SDK `JSON.parse`s
 * them (`"null"` for no result).
 */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export type EventTypeName = keyof typeof EventType;

export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Version?: string | null;
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace: string | null;
  IsNonRetriable: boolean;
  InnerFailure: FailureDetails | null;
}

export function historyEvent(
  type: number,
  timestamp: number,
  fields: Partial<HistoryEvent> = {},
  eventId = -1,
): HistoryEvent {
  return {
    EventType: type,
    EventId: eventId,
    IsPlayed: false,
    Timestamp: new Date(timestamp).toISOString(),
    ...fields,
  };
}

export function failureFields(error: {
  name: string;
  message: string;
  stack?: string | undefined;
}): Partial<HistoryEvent> {
  return {
    Reason: error.message,
    Details: error.stack ?? '',
    FailureDetails: {
      ErrorType: error.name,
      ErrorMessage: error.message,
      StackTrace: error.stack ?? null,
      IsNonRetriable: false,
      InnerFailure: null,
    },
  };
}

export function eventTypeName(type: number): string {
  return (Object.keys(EventType) as EventTypeName[]).find((k) => EventType[k] === type) ?? `EventType${type}`;
}

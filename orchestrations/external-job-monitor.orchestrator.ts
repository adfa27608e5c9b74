/**
 * Monitor for long-running external jobs (ADF pipeline runs, Databricks job runs): poll with durable
 * timers at a growing interval until the job is terminal or the deadline passes; on the deadline the
 * remote run is cancelled. Deterministic: time only from `currentUtcDateTime`.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { ACTIVITIES, ACTIVITY_RETRY, EXTERNAL_JOB_MONITOR } from './names.js';
import type { ExternalJobState, MonitorInput, MonitorResult } from './pipeline-types.js';
import { retryOptions } from './retry.js';

export function* externalJobMonitor(
  context: OrchestrationContext,
): Generator<df.Task, MonitorResult, unknown> {
  const input = context.df.getInput<MonitorInput>();
  const deadline = new Date(input.deadline).getTime();
  let interval = input.firstPollSeconds;
  let polls = 0;
  for (;;) {
    const state = (yield context.df.callActivityWithRetry(
      ACTIVITIES.pollExternalJob,
      retryOptions(ACTIVITY_RETRY),
      input.job,
    )) as ExternalJobState;
    polls++;
    if (state.terminal) {
      return {
        job: input.job,
        outcome: state.succeeded ? 'succeeded' : 'failed',
        state: state.state,
        ...(state.message ? { message: state.message } : {}),
        polls,
      };
    }
    const now = context.df.currentUtcDateTime.getTime();
    if (now >= deadline) {
      yield context.df.callActivityWithRetry(
        ACTIVITIES.cancelExternalJob,
        retryOptions(ACTIVITY_RETRY),
        input.job,
      );
      return {
        job: input.job,
        outcome: 'timed-out',
        state: state.state,
        message: `deadline ${input.deadline} passed; remote run cancelled`,
        polls,
      };
    }
    const next = Math.min(now + interval * 1000, deadline);
    yield context.df.createTimer(new Date(next));
    interval = Math.min(interval * 2, input.maxPollSeconds);
  }
}

df.app.orchestration(EXTERNAL_JOB_MONITOR, externalJobMonitor);

import * as df from 'durable-functions';

export function retryOptions(policy: {
  firstRetryIntervalMs: number;
  maxAttempts: number;
  backoffCoefficient: number;
}): df.RetryOptions {
  const options = new df.RetryOptions(policy.firstRetryIntervalMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  return options;
}

/**
 * Builds the invocation request the host would send for one trigger firing and runs it through the
 * worker stand-in. Input bindings the runtime can satisfy (the durable client) are filled in here, so
 * every trigger source shares one path; an input binding nobody provides is an error, not `undefined`.
 */
import { randomUUID } from 'node:crypto';
import type { IndexedFunction } from './function-index.js';
import type {
  RpcInvocationResponse,
  RpcParameterBinding,
  RpcRetryContext,
  RpcTypedData,
} from './functions-core-types.js';
import { invokeRegistration } from './worker-stand-in.js';

export interface TriggerFiring {
  trigger: RpcTypedData;
  /** Host binding data, before the library camel-cases it. */
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: RpcRetryContext;
  invocationId?: string;
}

/** Supplies the value of a non-trigger input binding (by binding type). */
export type InputProvider = (fn: IndexedFunction, bindingName: string) => RpcTypedData;

export class UnsupportedBindingError extends Error {
  constructor(
    readonly functionName: string,
    readonly bindingType: string,
  ) {
    super(
      `function "${functionName}" has an input binding of type "${bindingType}" that the local runtime does not provide`,
    );
    this.name = 'UnsupportedBindingError';
  }
}

export class Invoker {
  readonly #providers = new Map<string, InputProvider>();
  readonly #appHookData: Record<string, unknown>;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(appHookData: Record<string, unknown> = {}) {
    this.#appHookData = appHookData;
  }

  provide(bindingType: string, provider: InputProvider): void {
    this.#providers.set(bindingType.toLowerCase(), provider);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async invoke(fn: IndexedFunction, firing: TriggerFiring): Promise<RpcInvocationResponse> {
    const inputData: RpcParameterBinding[] = [{ name: fn.triggerBindingName, data: firing.trigger }];
    for (const binding of fn.bindings) {
      if (binding.direction !== 'in' || binding.name === fn.triggerBindingName) continue;
      const provider = this.#providers.get(binding.type.toLowerCase());
      if (provider === undefined) throw new UnsupportedBindingError(fn.name, binding.type);
      inputData.push({ name: binding.name, data: provider(fn, binding.name) });
    }
    const invocationId = firing.invocationId ?? randomUUID();
    this.#inFlight++;
    try {
      const { response } = await invokeRegistration(
        fn.registration,
        {
          invocationId,
          functionId: fn.name,
          inputData,
          triggerMetadata: withSys(fn, firing.triggerMetadata),
          retryContext: firing.retryContext ?? null,
        },
        this.#appHookData,
      );
      return response;
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /** Resolves when no invocation is running. */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** The host adds `sys` to every trigger's binding data. */
function withSys(
  fn: IndexedFunction,
  metadata: Record<string, RpcTypedData> | undefined,
): Record<string, RpcTypedData> {
  return {
    ...metadata,
    sys: {
      json: JSON.stringify({ MethodName: fn.name, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
    },
  };
}

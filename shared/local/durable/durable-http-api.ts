/**
 * The Durable extension's HTTP surface over the local engine, in two places like the host:
 * - `/durabletask/…` — the local RPC endpoint the durable client uses (`rpcBaseUrl`), no key;
 * - `/runtime/webhooks/durabletask/…` — the public webhooks that `createCheckStatusResponse` links
 *   to, which need the system key (`code=`; the master key is accepted too).
 * Routes: POST orchestrators/{name}[/{id}], GET instances[/{id}], POST instances/{id}/raiseEvent/{event},
 * POST instances/{id}/terminate?reason=, DELETE instances/{id} (purge).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, type ExtraHandler } from '../http-host.js';
import { DurableEngine, InstanceExistsError, UnknownFunctionError } from './durable-engine.js';
import { isTerminal } from './instance-state.js';

export const RPC_PATH = '/durabletask/';
export const WEBHOOK_PATH = '/runtime/webhooks/durabletask/';

export interface DurableClientData {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/** What the host passes a `durableClient` input binding. */
export function durableClientData(baseUrl: string, taskHub: string, systemKey: string): DurableClientData {
  const webhooks = `${baseUrl}${WEBHOOK_PATH.slice(0, -1)}`;
  const query = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;
  const instance = `${webhooks}/instances/INSTANCEID`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?code=${encodeURIComponent(systemKey)}`,
      createAndWaitOnNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${encodeURIComponent(systemKey)}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl: webhooks,
    requiredQueryStringParameters: `code=${encodeURIComponent(systemKey)}`,
    rpcBaseUrl: `${baseUrl}${RPC_PATH}`,
  };
}

export function durableHttpHandler(
  engine: DurableEngine,
  keys: { systemKey: string; masterKey: string },
  clientData: () => DurableClientData,
): ExtraHandler {
  return async (request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let rest: string;
    if (url.pathname.startsWith(RPC_PATH)) rest = url.pathname.slice(RPC_PATH.length);
    else if (url.pathname.startsWith(WEBHOOK_PATH)) {
      const code = url.searchParams.get('code') ?? request.headers['x-functions-key'];
      if (code !== keys.systemKey && code !== keys.masterKey) {
        reply(response, 401);
        return true;
      }
      rest = url.pathname.slice(WEBHOOK_PATH.length);
    } else return false;
    const parts = rest
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const method = (request.method ?? 'GET').toUpperCase();
    try {
      await route(engine, method, parts, url, body, response, clientData());
    } catch (error) {
      if (error instanceof InstanceExistsError) reply(response, 409, { message: error.message });
      else if (error instanceof UnknownFunctionError) reply(response, 400, { message: error.message });
      else if (error instanceof SyntaxError)
        reply(response, 400, { message: `request body is not JSON: ${error.message}` });
      else throw error;
    }
    return true;
  };
}

async function route(
  engine: DurableEngine,
  method: string,
  parts: string[],
  url: URL,
  body: Buffer,
  response: ServerResponse,
  client: DurableClientData,
): Promise<void> {
  const [head, id, action, eventName] = parts;
  if (head === 'orchestrators' && method === 'POST' && id !== undefined) {
    const text = body.toString('utf8');
    const input = text === '' ? undefined : (JSON.parse(text) as unknown);
    const instanceId = await engine.startNew(id, {
      ...(action === undefined ? {} : { instanceId: action }),
      input,
    });
    const links = Object.fromEntries(
      Object.entries(client.managementUrls).map(([k, v]) => [
        k,
        v.replace(client.managementUrls.id ?? 'INSTANCEID', instanceId),
      ]),
    );
    reply(response, 202, { ...links, id: instanceId }, { location: links.statusQueryGetUri ?? '' });
    return;
  }
  if (head !== 'instances')
    return reply(response, 404, { message: `unknown durable API path /${parts.join('/')}` });
  if (id === undefined) {
    if (method !== 'GET') return reply(response, 405);
    return reply(response, 200, await engine.listInstances());
  }
  if (action === undefined) {
    if (method === 'GET') {
      const status = await engine.getStatus(id, {
        showHistory: url.searchParams.get('showHistory') === 'true',
      });
      if (status === undefined) return reply(response, 404, { message: `no instance ${id}` });
      return reply(response, isTerminal(status.runtimeStatus) ? 200 : 202, status);
    }
    if (method === 'DELETE') {
      const deleted = await engine.purge(id);
      return deleted === 0
        ? reply(response, 404, { message: `no finished instance ${id}` })
        : reply(response, 200, { instancesDeleted: deleted });
    }
    return reply(response, 405);
  }
  if (method !== 'POST') return reply(response, 405);
  if (action === 'raiseEvent' && eventName !== undefined) {
    const text = body.toString('utf8');
    const result = await engine.raiseEvent(
      id,
      eventName,
      text === '' ? undefined : (JSON.parse(text) as unknown),
    );
    return reply(response, result === 'accepted' ? 202 : result === 'gone' ? 410 : 404);
  }
  if (action === 'terminate') {
    const result = await engine.terminate(id, url.searchParams.get('reason') ?? '');
    return reply(response, result === 'accepted' ? 202 : result === 'gone' ? 410 : 404);
  }
  reply(response, 501, { message: `${action} is not supported by the local durable runtime` });
}

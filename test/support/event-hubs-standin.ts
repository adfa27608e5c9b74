/**
 * A stand-in Event Hubs namespace over plain AMQP 1.0 (rhea), implementing enough of the service's
 * documented AMQP contract for the real EventHubProducerClient connected with
 * `UseDevelopmentEmulator=true` (TCP without TLS, port from the Endpoint):
 * - SASL ANONYMOUS (what the client offers with a connection string) and PLAIN; authorisation is by CBS.
 * - `$cbs` put-token: a SAS token must be signed with the namespace key (HMAC-SHA256 of
 *   `<url-encoded audience>\n<expiry>`, key name and expiry checked) → status-code 202, else 401 (an
 *   Entra ID JWT is refused too: nothing here can verify one).
 *   Replies carry correlation-id = the request's message-id and go to the link named by reply-to.
 * - `$management` READ of `com.microsoft:eventhub` (name, created_at, partition_ids) and of
 *   `com.microsoft:partition` (sequence numbers, offset, time, is_partition_empty); the request's
 *   security_token is checked; another hub name → 404.
 * - The client's sender links to `<hub>` and `<hub>/Partitions/<id>` need a put-token whose audience
 *   covers that path (else amqp:unauthorized-access); other addresses get amqp:not-found. The attach
 *   advertises max-message-size, from which the client sizes its batches.
 * - Batch messages (message-format 0x80013700, body = data sections each holding an encoded message)
 *   are unpacked into events. `x-opt-partition-key` picks the partition with the Event Hubs hash
 *   (partition-key-hash.ts), so a key always lands on one partition; no key → round-robin; a partition
 *   link → that partition.
 * Each event is recorded with partition, sequence number and the delivery (batch) it arrived in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import rhea, { type Connection, type EventContext, type Sender } from 'rhea';
import { partitionForKey } from '../../shared/local/event-hub/partition-key-hash.js';

export interface EventHubsStandInOptions {
  hub: string;
  /** Default 4. */
  partitions?: number;
  /** SAS rule of the namespace (defaults k / v). */
  keyName?: string;
  key?: string;
  /** max-message-size on sender links (default 1 MiB, the Standard tier). */
  maxMessageSize?: number;
}

export interface ReceivedEvent {
  body: Buffer;
  partitionId: string;
  partitionKey: string | undefined;
  sequenceNumber: number;
  /** 1-based number of the transfer the event arrived in. */
  delivery: number;
}

export interface EventHubsStandIn {
  readonly port: number;
  /** `Endpoint=sb://localhost:<port>;…;EntityPath=<hub>;UseDevelopmentEmulator=true` */
  readonly connectionString: string;
  readonly events: readonly ReceivedEvent[];
  /** Batch transfers (message-format 0x80013700) accepted. */
  readonly batches: number;
  /** `$cbs` and `$management` requests: operation, type, status (`READ com.microsoft:eventhub 200`). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const BATCH_FORMAT = 0x80013700;
// The service's wording: the client maps "could not be found" to MessagingEntityNotFoundError (no retry).
const DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  401: 'Unauthorized: the token is missing, invalid or expired.',
  404: "The messaging entity '%s' could not be found.",
};
const PARTITION_KEY = 'x-opt-partition-key';

export async function startEventHubsStandIn(options: EventHubsStandInOptions): Promise<EventHubsStandIn> {
  const { hub, keyName = 'k', key = 'v', maxMessageSize = 1_048_576 } = options;
  const partitionIds = Array.from({ length: options.partitions ?? 4 }, (_, i) => String(i));
  const lastSequence = partitionIds.map(() => -1);
  const lastEnqueued = partitionIds.map(() => new Date(0));
  const createdAt = new Date();
  const events: ReceivedEvent[] = [];
  const requests: string[] = [];
  const grants = new WeakMap<Connection, Set<string>>();
  const replyLinks = new WeakMap<Connection, Map<string, Sender>>();
  let batches = 0;
  let deliveries = 0;
  let roundRobin = 0;

  const container = rhea.create_container({ id: 'event-hubs-standin', autoaccept: false });
  const sasl = container.sasl_server_mechanisms as SaslServerMechanisms;
  sasl.enable_anonymous();
  sasl.enable_plain(() => true);

  /** The audience path a valid SAS token grants, or why it is refused. */
  const checkToken = (token: unknown): { path: string } | { refused: string } => {
    if (typeof token !== 'string' || !token.startsWith('SharedAccessSignature '))
      return { refused: 'not a SAS token' };
    const fields = new URLSearchParams(token.slice('SharedAccessSignature '.length));
    const [sr, sig, se, skn] = ['sr', 'sig', 'se', 'skn'].map((f) => fields.get(f) ?? '');
    // URLSearchParams decoded the fields once; the signature covers the URL-encoded audience.
    const expected = createHmac('sha256', key)
      .update(`${encodeURIComponent(sr ?? '')}\n${se}`)
      .digest();
    const given = Buffer.from(sig ?? '', 'base64');
    if (skn !== keyName) return { refused: `unknown key name ${skn}` };
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { refused: 'bad signature' };
    if (!(Number(se) > Date.now() / 1000)) return { refused: 'expired' };
    return { path: new URL(sr ?? '').pathname.replace(/^\//, '').replace(/\/$/, '') };
  };
  const granted = (connection: Connection, address: string): boolean =>
    [...(grants.get(connection) ?? [])].some((p) => p === '' || address === p || address.startsWith(`${p}/`));
  /** Partition index of a sender-link address, or undefined when no such entity exists. */
  const partitionOf = (address: string): number | 'any' | undefined => {
    if (address === hub) return 'any';
    const id = address.startsWith(`${hub}/Partitions/`) ? address.slice(hub.length + 12) : undefined;
    const index = id === undefined ? -1 : partitionIds.indexOf(id);
    return index < 0 ? undefined : index;
  };

  container.on('sender_open', (ctx: EventContext) => {
    const sender = ctx.sender;
    if (!sender) return;
    sender.set_source(sender.source);
    sender.set_target(sender.target);
    if (sender.source.address !== '$cbs' && sender.source.address !== '$management') {
      sender.close({ condition: 'amqp:not-implemented', description: 'the stand-in serves producers only' });
      return;
    }
    const links = replyLinks.get(ctx.connection) ?? new Map<string, Sender>();
    links.set(sender.name, sender);
    if (sender.target?.address) links.set(sender.target.address, sender);
    replyLinks.set(ctx.connection, links);
  });

  container.on('receiver_open', (ctx: EventContext) => {
    const receiver = ctx.receiver;
    if (!receiver) return;
    const address = receiver.target?.address ?? '';
    receiver.set_source(receiver.source);
    receiver.set_target(receiver.target);
    (receiver as unknown as LocalAttach).local.attach.max_message_size = maxMessageSize;
    if (address === '$cbs' || address === '$management') return;
    if (partitionOf(address) === undefined)
      receiver.close({
        condition: 'amqp:not-found',
        description: `The messaging entity 'sb://localhost/${address}' could not be found.`,
      });
    else if (!granted(ctx.connection, address))
      receiver.close({
        condition: 'amqp:unauthorized-access',
        description: `Unauthorized access. 'Send' claim(s) are required. Resource: '${address}'.`,
      });
  });

  /** Answers a `$cbs` or `$management` request; returns the status for the log. */
  const answer = (connection: Connection, node: string, request: RequestView): number => {
    const props = request.application_properties ?? {};
    let status = 404;
    let body: unknown = undefined;
    if (node === '$cbs') {
      const check = props.operation === 'put-token' ? checkToken(request.body) : { refused: 'operation' };
      if ('path' in check) grants.set(connection, (grants.get(connection) ?? new Set()).add(check.path));
      status = 'path' in check ? 202 : 401;
    } else if (props.operation !== 'READ' || 'refused' in checkToken(props.security_token)) {
      status = 401;
    } else if (props.name === hub && props.type === 'com.microsoft:eventhub') {
      status = 200;
      body = {
        name: hub,
        type: props.type,
        created_at: createdAt,
        partition_count: partitionIds.length,
        partition_ids: partitionIds,
      };
    } else if (props.name === hub && props.type === 'com.microsoft:partition') {
      const partition = partitionIds.indexOf(String(props.partition));
      const last = lastSequence[partition] ?? -1;
      if (partition >= 0) {
        status = 200;
        body = {
          name: hub,
          type: props.type,
          partition: String(partition),
          begin_sequence_number: rhea.types.wrap_long(0),
          last_enqueued_sequence_number: rhea.types.wrap_long(last),
          last_enqueued_offset: String(last),
          last_enqueued_time_utc: lastEnqueued[partition],
          is_partition_empty: last < 0,
        };
      }
    }
    replyLinks
      .get(connection)
      ?.get(request.reply_to ?? '')
      ?.send({
        correlation_id: request.message_id,
        application_properties: {
          'status-code': rhea.types.wrap_int(status),
          'status-description': DESCRIPTIONS[status]?.replace('%s', String(props.name)),
        },
        body,
      });
    return status;
  };

  /** Records the events of one transfer on a hub or partition link, or says why it is rejected. */
  const receive = (address: string, envelope: MessageView, batch: boolean): string | undefined => {
    const target = partitionOf(address);
    const key = envelope.message_annotations?.[PARTITION_KEY];
    const partitionKey = typeof key === 'string' ? key : undefined;
    if (target === undefined) return `no entity ${address}`;
    if (target !== 'any' && partitionKey !== undefined) return 'a partition key on a partition link';
    const outer = dataSections(envelope);
    const bodies = batch ? outer?.map((inner) => dataSections(decode(inner))) : [outer];
    if (!bodies?.every((b) => b !== undefined)) return 'bodies must be data sections';
    const partition =
      target !== 'any'
        ? target
        : partitionKey !== undefined
          ? partitionForKey(partitionKey, partitionIds.length)
          : roundRobin++ % partitionIds.length;
    deliveries++;
    if (batch) batches++;
    for (const sections of bodies) {
      const sequenceNumber = (lastSequence[partition] ?? -1) + 1;
      lastSequence[partition] = sequenceNumber;
      lastEnqueued[partition] = new Date();
      const event = { body: Buffer.concat(sections), partitionId: String(partition), partitionKey };
      events.push({ ...event, sequenceNumber, delivery: deliveries });
    }
    return undefined;
  };

  container.on('message', (ctx: EventContext) => {
    const address = ctx.receiver?.target?.address ?? '';
    const message = ctx.message as unknown;
    if (address === '$cbs' || address === '$management') {
      const status = answer(ctx.connection, address, message as RequestView);
      const props = (message as RequestView).application_properties ?? {};
      const what = [props.operation, props.type].filter((v): v is string => typeof v === 'string');
      requests.push(`${what.join(' ')} ${status}`);
      ctx.delivery?.accept();
      return;
    }
    // Other message formats arrive undecoded (rhea hands over the payload bytes).
    const batch = (ctx as { format?: number }).format === BATCH_FORMAT;
    let problem: string | undefined;
    try {
      problem = receive(address, batch ? decode(message as Buffer) : (message as MessageView), batch);
    } catch (err) {
      problem = `undecodable message: ${String(err)}`;
    }
    if (problem === undefined) ctx.delivery?.accept();
    else ctx.delivery?.reject({ condition: 'amqp:not-allowed', description: problem });
  });
  // Link errors and dropped sockets are the client's business; without listeners rhea would throw.
  container.on('error', () => undefined);
  container.on('disconnected', () => undefined);

  const server = container.listen({ port: 0, host: 'localhost' });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    connectionString:
      `Endpoint=sb://localhost:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};` +
      `EntityPath=${hub};UseDevelopmentEmulator=true`,
    events,
    get batches() {
      return batches;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function decode(bytes: Buffer): MessageView {
  return rhea.message.decode(bytes) as unknown as MessageView;
}

/** The Buffers of a message's data sections (one or several); undefined for another body kind. */
function dataSections(message: MessageView): Buffer[] | undefined {
  const body = message.body;
  if (body?.typecode !== 0x75) return undefined;
  return body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
}

// rhea's typings leave these untyped (`any`).
interface SaslServerMechanisms {
  enable_anonymous(): void;
  enable_plain(check: (user: string, password: string) => boolean): void;
}
interface LocalAttach {
  local: { attach: { max_message_size: number } };
}

interface MessageView {
  message_annotations?: Record<string, unknown>;
  body?: { typecode: number; multiple?: boolean; content: Buffer | Buffer[] };
}

interface RequestView {
  message_id?: string | number | Buffer;
  reply_to?: string;
  application_properties?: Record<string, unknown>;
  body?: unknown;
}

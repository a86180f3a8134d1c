/**
 * The WebSocket clients of `bench/subscriptions.ts`, in a process of their own (like real clients,
 * they do not share the gateway's or the services' event loop). Each client is one socket with one
 * `orderStatusChanged` subscription; every event received is timestamped on the shared wall clock.
 */
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface ClientSpec {
  token: string;
  orderId: string;
}

export type ClientsCommand =
  | { id: number; type: 'subscribe'; url: string; query: string; clients: ClientSpec[] }
  | { id: number; type: 'collect' | 'close' };

/** [orderId, version, received at (ms since the epoch, sub-millisecond)]. */
export type Sample = [string, number, number];

const clients: Client[] = [];
let samples: Sample[] = [];
let errors: string[] = [];
const now = (): number => performance.timeOrigin + performance.now();

interface TrackEvent {
  orderStatusChanged?: { orderId: string; version: number };
}

function open(url: string, query: string, spec: ClientSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${spec.token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: (error) => reject(error),
      on: { connected: () => resolve() },
    });
    clients.push(client);
    client.subscribe<TrackEvent>(
      { query, variables: { orderId: spec.orderId } },
      {
        next: (result) => {
          const event = result.data?.orderStatusChanged;
          if (event) samples.push([event.orderId, event.version, now()]);
          if (result.errors) errors.push(JSON.stringify(result.errors));
        },
        error: (error) => errors.push(error instanceof Error ? error.message : JSON.stringify(error)),
        complete: () => undefined,
      },
    );
  });
}

async function handle(command: ClientsCommand): Promise<unknown> {
  switch (command.type) {
    case 'subscribe': {
      // A bounded number of handshakes at a time, like clients arriving over a short while.
      for (let start = 0; start < command.clients.length; start += 50) {
        await Promise.all(
          command.clients.slice(start, start + 50).map((spec) => open(command.url, command.query, spec)),
        );
      }
      return { clients: clients.length };
    }
    case 'collect': {
      const result = { samples, errors };
      samples = [];
      errors = [];
      return result;
    }
    case 'close':
      await Promise.all(clients.map((client) => client.dispose()));
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (command: ClientsCommand) => {
  handle(command).then(
    (result) => process.send?.({ id: command.id, result }),
    (error: unknown) => process.send?.({ id: command.id, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(1));

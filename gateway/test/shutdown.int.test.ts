import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { eventually, uniquePrefix } from '@marketplace/platform/testing';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import { within } from './deadline';
import { connect } from './ws-client';

/**
 * Graceful shutdown of a running gateway: it must not wait on its own open WebSockets, keep-alive
 * HTTP connections or Kafka consumer. The supergraph names a subgraph that never runs: nothing
 * here calls it, so this file does not depend on any subgraph's code.
 */
const supergraphSdl = (() => {
  const composed = composeServices([
    {
      name: 'ping',
      url: 'http://127.0.0.1:1/graphql',
      typeDefs: parse(`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { ping: String }
      `),
    },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  return composed.supergraphSdl;
})();

/** Stopping is bounded by the ws close grace (1 s) and the consumer leaving its group. */
const STOP_DEADLINE_MS = 5_000;

let running: RunningGateway[] = [];

async function start(): Promise<RunningGateway> {
  const base = loadGatewayConfig();
  const gateway = await startGateway({
    config: {
      ...base,
      port: 0,
      kafkaNamespace: `${uniquePrefix()}.`,
      subscriptions: { ...base.subscriptions, instanceId: uniquePrefix() },
    },
    supergraphSdl,
  });
  running.push(gateway);
  return gateway;
}

afterAll(async () => {
  await Promise.all(running.map((gateway) => gateway.stop()));
  running = [];
});

describe('gateway shutdown', () => {
  it('stop() completes promptly with an open WebSocket client, a keep-alive connection and a joined consumer', async () => {
    const gateway = await start();
    await eventually(() => gateway.subscriptions!.source.consuming, {
      timeoutMs: 20_000,
      message: 'the order event consumer to join',
    });
    // A keep-alive HTTP connection, left idle.
    expect((await fetch(gateway.url.replace('/graphql', '/health/live'))).status).toBe(200);
    const socket = connect(gateway);
    await within(
      new Promise<void>((resolve) => socket.client.on('connected', () => resolve())),
      3_000,
      'the WebSocket client to connect',
    );
    expect(gateway.subscriptions!.connectionCount()).toBe(1);

    await within(gateway.stop(), STOP_DEADLINE_MS, 'gateway stop');

    expect(await within(socket.closed, 1_000, 'the client to see the close')).toBe(1001);
    expect(gateway.server.listening).toBe(false);
    expect(gateway.subscriptions!.source.consuming).toBe(false);
    await socket.client.dispose();
  });

  it('stop() completes promptly while the consumer is still joining', async () => {
    const gateway = await start();
    const socket = connect(gateway);
    await within(
      new Promise<void>((resolve) => socket.client.on('connected', () => resolve())),
      3_000,
      'the WebSocket client to connect',
    );
    await within(gateway.stop(), STOP_DEADLINE_MS, 'gateway stop');
    expect(gateway.server.listening).toBe(false);
    await socket.client.dispose();
  });
});

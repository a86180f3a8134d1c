import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { createLogger } from '@marketplace/platform';
import { keepAlive, startWebSocketTransport, type WebSocketTransport } from '../src/subscriptions/transport';
import { nextEvent, within } from './deadline';

const log = createLogger('transport-test', 'silent');

let server: Server;
let transport: WebSocketTransport;
let url: string;
const closedOnServer: number[] = [];

beforeEach(async () => {
  closedOnServer.length = 0;
  server = createServer((_request, response) => response.end('ok'));
  transport = startWebSocketTransport({
    httpServer: server,
    path: '/graphql',
    keepAliveMs: 0,
    log,
    onSocket: (socket) => {
      socket.on('message', (data) => socket.send(`echo ${String(data)}`));
      return (code) => void closedOnServer.push(code);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await transport.stop();
  await new Promise((resolve) => server.close(resolve));
});

async function open(path = '/graphql'): Promise<WebSocket> {
  const client = new WebSocket(`${url}${path}`);
  await nextEvent(client, 'open', 2_000);
  return client;
}

describe('WebSocket transport', () => {
  it('hands sockets on its path to the protocol and counts them', async () => {
    const client = await open();
    const [reply] = await Promise.all([nextEvent<[Buffer]>(client, 'message', 2_000), client.send('hi')]);
    expect(String(reply[0])).toBe('echo hi');
    expect(transport.connectionCount()).toBe(1);
    client.close();
  });

  it('refuses upgrades to other paths', async () => {
    const client = new WebSocket(`${url}/elsewhere`);
    await nextEvent(client, 'error', 2_000);
    expect(transport.connectionCount()).toBe(0);
  });

  it('stop() closes open sockets with 1001 and resolves promptly, also for a peer that never answers', async () => {
    const polite = await open();
    const silent = await open();
    // A peer that never completes the closing handshake: its socket stops reading.
    (silent as unknown as { _socket: { pause(): void } })._socket.pause();
    const politeClosed = nextEvent<[number]>(polite, 'close', 4_000);
    await within(transport.stop(), 4_000, 'transport stop');
    expect((await politeClosed)[0]).toBe(1001);
    expect(transport.connectionCount()).toBe(0);
    expect(closedOnServer).toHaveLength(2);
    silent.terminate();
  });

  it('refuses new sockets once stopping', async () => {
    await transport.stop();
    const client = new WebSocket(`${url}/graphql`);
    await nextEvent(client, 'error', 2_000);
  });
});

describe('keepAlive', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const fakeSocket = () =>
    Object.assign(new EventEmitter(), { ping: jest.fn(), terminate: jest.fn() }) as unknown as WebSocket & {
      ping: jest.Mock;
      terminate: jest.Mock;
    };

  it('pings every interval and drops a peer that missed a pong', () => {
    const socket = fakeSocket();
    const stop = keepAlive(socket, 1_000);
    jest.advanceTimersByTime(1_000);
    expect(socket.ping).toHaveBeenCalledTimes(1);
    socket.emit('pong');
    jest.advanceTimersByTime(1_000);
    expect(socket.terminate).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(socket.terminate).toHaveBeenCalledTimes(1);
    stop();
  });

  it('stops pinging once stopped, and does nothing when disabled', () => {
    const socket = fakeSocket();
    keepAlive(socket, 1_000)();
    keepAlive(socket, 0)();
    jest.advanceTimersByTime(5_000);
    expect(socket.ping).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});

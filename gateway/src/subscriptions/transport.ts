import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '@marketplace/platform';

/**
 * The WebSocket transport of live tracking: a `ws` server on the HTTP server's upgrades to one
 * path, a keep-alive ping per socket, and a shutdown that closes every socket promptly. It knows
 * nothing of GraphQL; `onSocket` hands each accepted socket to the protocol.
 */
export interface WebSocketTransportOptions {
  httpServer: Server;
  /** The only path upgrades are accepted on; others are refused. */
  path: string;
  /** Ping interval; a socket that has not answered the previous ping is dropped. 0 disables. */
  keepAliveMs: number;
  log: Logger;
  /** Takes over an accepted socket; returns what to run once it has closed. */
  onSocket(socket: WebSocket): (code: number, reason: string) => void;
}

export interface WebSocketTransport {
  /** Open sockets. */
  connectionCount(): number;
  /** Stops accepting, closes every socket (1001) and resolves once they are gone. Idempotent. */
  stop(): Promise<void>;
}

/** Largest accepted WebSocket message (the HTTP endpoint's body limit). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** How long peers get for the closing handshake on shutdown before they are cut off. */
const CLOSE_GRACE_MS = 1_000;
const GOING_AWAY = 1001;

/** Upgrades requests for `path`; destroys any other upgrade. */
function upgradeHandler(wss: WebSocketServer, path: string) {
  return (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (websocket) => wss.emit('connection', websocket, request));
  };
}

/** Pings `socket` every `intervalMs`, terminating it when a ping went unanswered; returns the stopper. */
export function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  if (intervalMs <= 0) return () => undefined;
  let alive = true;
  const onPong = (): void => {
    alive = true;
  };
  socket.on('pong', onPong);
  const timer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, intervalMs);
  return () => {
    clearInterval(timer);
    socket.off('pong', onPong);
  };
}

/** Closes every socket of `wss` with 1001, terminating those that do not finish the handshake in time. */
async function closeAll(wss: WebSocketServer): Promise<void> {
  const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
  for (const socket of wss.clients) socket.close(GOING_AWAY, 'Going away');
  const cutOff = setTimeout(() => wss.clients.forEach((socket) => socket.terminate()), CLOSE_GRACE_MS);
  await closed;
  clearTimeout(cutOff);
}

export function startWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const { httpServer, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const onUpgrade = upgradeHandler(wss, options.path);
  httpServer.on('upgrade', onUpgrade);
  wss.on('connection', (socket: WebSocket) => {
    const stopKeepAlive = keepAlive(socket, options.keepAliveMs);
    socket.on('error', (error) => log.debug({ err: error }, 'WebSocket error'));
    const onClosed = options.onSocket(socket);
    socket.once('close', (code, reason) => {
      stopKeepAlive();
      onClosed(code, reason.toString());
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    connectionCount: () => wss.clients.size,
    stop: () => {
      httpServer.off('upgrade', onUpgrade);
      return (stopping ??= closeAll(wss));
    },
  };
}

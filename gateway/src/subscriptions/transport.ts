import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '@marketplace/platform';
import type { UpgradeRefusal } from '../rate-limit/socket-caps';

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
  /** Decides before the handshake whether the client may open a socket (rate limits, caps). */
  admit?: (request: IncomingMessage) => Promise<UpgradeRefusal | undefined>;
  /** Takes over an accepted socket; returns what to run once it has closed. */
  onSocket(socket: WebSocket, request: IncomingMessage): (code: number, reason: string) => void;
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

/** Answers a refused upgrade in plain HTTP (the client has no WebSocket yet) and closes. */
function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  socket.end(
    `HTTP/1.1 ${refusal.status} Too Many Requests\r\nRetry-After: ${refusal.retryAfterSeconds}\r\n` +
      `Content-Type: text/plain\r\nConnection: close\r\n\r\n${refusal.reason}`,
  );
}

/** Upgrades requests for `path` that `admit` lets through; destroys any other upgrade. */
function upgradeHandler(wss: WebSocketServer, options: WebSocketTransportOptions, log: Logger) {
  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== options.path) {
      socket.destroy();
      return;
    }
    const refusal = await options.admit?.(request);
    if (refusal) return refuseUpgrade(socket, refusal);
    wss.handleUpgrade(request, socket, head, (websocket) => wss.emit('connection', websocket, request));
  };
  return (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    upgrade(request, socket, head).catch((error: unknown) => {
      log.error({ err: error }, 'WebSocket upgrade failed');
      socket.destroy();
    });
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
  const onUpgrade = upgradeHandler(wss, options, log);
  httpServer.on('upgrade', onUpgrade);
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const stopKeepAlive = keepAlive(socket, options.keepAliveMs);
    socket.on('error', (error) => log.debug({ err: error }, 'WebSocket error'));
    const onClosed = options.onSocket(socket, request);
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

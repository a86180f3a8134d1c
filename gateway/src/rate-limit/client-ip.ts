import type { IncomingMessage } from 'node:http';

/**
 * The client's IP: the socket's peer, unless `trustedProxyHops` proxies stand in front of the
 * gateway. Each proxy appends the address it received the request from to `X-Forwarded-For`, so
 * the client is the entry `trustedProxyHops` from the right; entries further left are whatever the
 * client wrote and are never trusted. With too few entries the left-most one is the best we know.
 */
export function clientIpOf(request: IncomingMessage, trustedProxyHops: number): string {
  const peer = normalize(request.socket.remoteAddress ?? 'unknown');
  if (trustedProxyHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return peer;
  return normalize(entries[Math.max(0, entries.length - trustedProxyHops)] ?? peer);
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is `10.0.0.1`. */
const normalize = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

import type { IncomingMessage } from 'node:http';
import { clientIpOf } from './client-ip';

const request = (remoteAddress: string, forwardedFor?: string): IncomingMessage =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('clientIpOf', () => {
  it('uses the socket peer and ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientIpOf(request('::ffff:10.0.0.7', '1.2.3.4'), 0)).toBe('10.0.0.7');
  });

  it('takes the entry the trusted proxy appended, never one the client wrote', () => {
    expect(clientIpOf(request('10.0.0.1', 'spoofed, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientIpOf(request('10.0.0.1', 'spoofed, 203.0.113.9, 10.0.0.2'), 2)).toBe('203.0.113.9');
  });

  it('falls back to the peer when a trusted proxy sent no header', () => {
    expect(clientIpOf(request('10.0.0.1'), 1)).toBe('10.0.0.1');
  });
});

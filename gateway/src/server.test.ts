import type { IncomingMessage } from 'node:http';
import { loadGatewayConfig } from './config';
import { contextOf } from './server';

const context = contextOf(loadGatewayConfig({}));
const request = (headers: IncomingMessage['headers']) =>
  ({ headers, socket: { remoteAddress: '::ffff:127.0.0.1' } }) as unknown as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the HTTP request context', () => {
  it("keeps the caller's x-request-id", async () => {
    await expect(context(request({ 'x-request-id': 'checkout-42' }))).resolves.toEqual({
      viewer: null,
      authorization: null,
      requestId: 'checkout-42',
      clientIp: '127.0.0.1',
    });
  });

  it.each([
    ['none', undefined],
    ['a forged one', 'two words\nand a new line'],
    ['a too long one', 'x'.repeat(129)],
  ])('makes up a request id when the caller sent %s', async (_case, sent) => {
    const { requestId } = await context(request(sent === undefined ? {} : { 'x-request-id': sent }));
    expect(requestId).toMatch(UUID);
  });
});

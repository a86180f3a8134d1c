import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from './auth';
import { authorize, authorizeReference, mayAccess, referenceId } from './authorization';

const alice: Viewer = { userId: 'alice', role: 'CUSTOMER', expiresAt: 0 };
const bob: Viewer = { userId: 'bob', role: 'CUSTOMER', expiresAt: 0 };
const admin: Viewer = { userId: 'root', role: 'ADMIN', expiresAt: 0 };
const info = {} as GraphQLResolveInfo;
const as = (viewer: Viewer | null) => ({ viewer });
const codeOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );

describe('mayAccess', () => {
  it('lets owners and administrators in, and nobody else', () => {
    expect(mayAccess(alice, 'alice')).toBe(true);
    expect(mayAccess(admin, 'alice')).toBe(true);
    expect(mayAccess(bob, 'alice')).toBe(false);
    expect(mayAccess(null, 'alice')).toBe(false);
  });
});

describe('authorize', () => {
  const order = { id: 'o1', userId: 'alice' };

  it('signedIn refuses anonymous callers before running the resolver', async () => {
    const resolve = jest.fn(() => 'ok');
    const guarded = authorize('signedIn', resolve);
    expect(await codeOf(guarded(null, {}, as(null), info))).toBe('UNAUTHENTICATED');
    expect(resolve).not.toHaveBeenCalled();
    expect(await guarded(null, {}, as(bob), info)).toBe('ok');
  });

  it('admin refuses customers', async () => {
    const guarded = authorize('admin', () => 'ok');
    expect(await codeOf(guarded(null, {}, as(alice), info))).toBe('FORBIDDEN');
    expect(await guarded(null, {}, as(admin), info)).toBe('ok');
  });

  it("owner checks the parent's owner before resolving", async () => {
    const resolve = jest.fn((user: { id: string }) => `cart of ${user.id}`);
    const guarded = authorize({ owner: (user: { id: string }) => user.id }, resolve);
    expect(await codeOf(guarded({ id: 'alice' }, {}, as(bob), info))).toBe('FORBIDDEN');
    expect(resolve).not.toHaveBeenCalled();
    expect(await guarded({ id: 'alice' }, {}, as(alice), info)).toBe('cart of alice');
    expect(await guarded({ id: 'alice' }, {}, as(admin), info)).toBe('cart of alice');
  });

  it('ownerOfResult checks what the resolver returns, every item of a list, and lets null through', async () => {
    const one = authorize({ ownerOfResult: (found: typeof order) => found.userId }, async () => order);
    expect(await codeOf(one(null, {}, as(bob), info))).toBe('FORBIDDEN');
    expect(await one(null, {}, as(alice), info)).toBe(order);

    const list = authorize({ ownerOfResult: (found: typeof order) => found.userId }, () => [
      order,
      { id: 'o2', userId: 'bob' },
    ]);
    expect(await codeOf(list(null, {}, as(alice), info))).toBe('FORBIDDEN');
    expect(await list(null, {}, as(admin), info)).toHaveLength(2);

    const missing = authorize({ ownerOfResult: (found: typeof order) => found.userId }, () => null);
    expect(await missing(null, {}, as(bob), info)).toBeNull();
    expect(await codeOf(missing(null, {}, as(null), info))).toBe('UNAUTHENTICATED');
  });

  it('authorizeReference guards an entity reference the same way', async () => {
    const guarded = authorizeReference(
      { owner: (reference: { id: string }) => reference.id },
      (reference) => reference,
    );
    expect(await codeOf(guarded({ id: 'alice' }, as(bob), info))).toBe('FORBIDDEN');
    expect(await guarded({ id: 'alice' }, as(alice), info)).toEqual({ id: 'alice' });
  });
});

describe('referenceId', () => {
  it('normalises an id and turns anything else into null', () => {
    expect(referenceId({ id: '1B4E28BA-2FA1-41D2-883F-0016D3CCA427' })).toBe(
      '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    );
    expect(referenceId({ id: 'not-an-id' })).toBeNull();
  });
});

import type { Viewer } from '@marketplace/platform';
import { mayAccess } from './cart-access';

const OWNER = '0b5c7c1e-6a0a-4f7e-9a51-1f6f5b7e2f10';
const OTHER = '1c6d8d2f-7b1b-4f8f-8b62-2f7f6c8f3f21';
const viewer = (userId: string, role: Viewer['role'] = 'CUSTOMER'): Viewer => ({
  userId,
  role,
  expiresAt: 0,
});

describe('mayAccess', () => {
  it('lets the owner and administrators in', () => {
    expect(mayAccess(viewer(OWNER), OWNER)).toBe(true);
    expect(mayAccess(viewer(OTHER, 'ADMIN'), OWNER)).toBe(true);
  });

  it('keeps other customers and anonymous callers out', () => {
    expect(mayAccess(viewer(OTHER), OWNER)).toBe(false);
    expect(mayAccess(null, OWNER)).toBe(false);
  });
});

import type { Viewer } from '@marketplace/platform';

/** A cart is private: its owner and administrators may see and change it, nobody else. */
export const mayAccess = (viewer: Viewer | null, ownerId: string): boolean =>
  viewer !== null && (viewer.role === 'ADMIN' || viewer.userId === ownerId);

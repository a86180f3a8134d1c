import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from './auth';
import { forbidden, unauthenticated } from './errors';
import { isId } from './ids';

/**
 * Authorization, one way for the whole graph. The rule is {@link mayAccess}: a user may read and
 * change what they own, an administrator everything. It is applied in one layer — at the
 * resolver, with {@link authorize} / {@link authorizeReference} — so whoever asks "who may read
 * this field" finds the answer next to the field; services below take an already-authorized user
 * id. The gateway's per-event check of live tracking uses the same {@link mayAccess}.
 */
export const mayAccess = (viewer: Viewer | null, ownerId: string): boolean =>
  viewer !== null && (viewer.role === 'ADMIN' || viewer.userId === ownerId);

export function requireSignedIn(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function requireAdmin(viewer: Viewer | null): Viewer {
  const signedIn = requireSignedIn(viewer);
  if (signedIn.role !== 'ADMIN') throw forbidden('Only administrators can do this');
  return signedIn;
}

/** The viewer owns what belongs to `ownerId`, or is an administrator. */
export function requireOwner(viewer: Viewer | null, ownerId: string): Viewer {
  const signedIn = requireSignedIn(viewer);
  if (!mayAccess(signedIn, ownerId)) throw forbidden();
  return signedIn;
}

/**
 * Who may resolve a field:
 * - `'public'`: anyone, signed in or not;
 * - `'signedIn'`: any signed-in user (the resolver then acts on the viewer's own data);
 * - `'admin'`: administrators only;
 * - `{ owner }`: the owner of the parent (or arguments), e.g. `User.cart` → `parent.id`;
 * - `{ ownerOfResult }`: the owner of what the resolver returns (each item of a list), checked
 *   after resolving; `null` passes, so an unknown id stays `null` for everyone.
 */
export type AccessRule<TParent, TArgs, TResult> =
  | 'public'
  | 'signedIn'
  | 'admin'
  | { owner: (parent: TParent, args: TArgs) => string }
  | { ownerOfResult: (result: NonNullable<TResult>) => string };

interface HasViewer {
  viewer: Viewer | null;
}

type Resolved<T> = T extends readonly (infer Item)[] ? Item : T;

function checkBefore<TParent, TArgs>(
  rule: AccessRule<TParent, TArgs, unknown>,
  viewer: Viewer | null,
  parent: TParent,
  args: TArgs,
): void {
  if (rule === 'public') return;
  if (rule === 'signedIn') requireSignedIn(viewer);
  else if (rule === 'admin') requireAdmin(viewer);
  else if ('owner' in rule) requireOwner(viewer, rule.owner(parent, args));
  else requireSignedIn(viewer);
}

function checkAfter<TResult>(
  rule: AccessRule<unknown, unknown, TResult>,
  viewer: Viewer | null,
  result: TResult,
) {
  if (typeof rule !== 'object' || !('ownerOfResult' in rule) || result === null || result === undefined)
    return;
  const items = (Array.isArray(result) ? result : [result]) as NonNullable<TResult>[];
  for (const item of items) requireOwner(viewer, rule.ownerOfResult(item));
}

/** A field resolver guarded by `rule`; the resolver's own type is kept. */
export function authorize<TParent, TArgs, TContext extends HasViewer, TResult>(
  rule: AccessRule<TParent, TArgs, Resolved<Awaited<TResult>>>,
  resolve: (parent: TParent, args: TArgs, context: TContext, info: GraphQLResolveInfo) => TResult,
): (parent: TParent, args: TArgs, context: TContext, info: GraphQLResolveInfo) => Promise<Awaited<TResult>> {
  return async (parent, args, context, info): Promise<Awaited<TResult>> => {
    checkBefore(rule as AccessRule<TParent, TArgs, unknown>, context.viewer, parent, args);
    const result: Awaited<TResult> = await resolve(parent, args, context, info);
    checkAfter(rule as AccessRule<unknown, unknown, Awaited<TResult>>, context.viewer, result);
    return result;
  };
}

/** An entity's `__resolveReference` guarded by `rule` (`owner` receives the representation). */
export function authorizeReference<TReference, TContext extends HasViewer, TResult>(
  rule: AccessRule<TReference, Record<string, never>, Resolved<Awaited<TResult>>>,
  resolve: (reference: TReference, context: TContext, info: GraphQLResolveInfo) => TResult,
): (reference: TReference, context: TContext, info: GraphQLResolveInfo) => Promise<Awaited<TResult>> {
  return async (reference, context, info): Promise<Awaited<TResult>> => {
    checkBefore(
      rule as AccessRule<TReference, Record<string, never>, unknown>,
      context.viewer,
      reference,
      {},
    );
    const result: Awaited<TResult> = await resolve(reference, context, info);
    checkAfter(rule as AccessRule<unknown, unknown, Awaited<TResult>>, context.viewer, result);
    return result;
  };
}

/**
 * The one guard for entity representations: the id a subgraph may look up (normalised to lower
 * case), or `null` when it cannot be an id — an unknown entity resolves to `null`, never an error.
 */
export const referenceId = (reference: { id: string }): string | null =>
  isId(reference.id) ? reference.id.toLowerCase() : null;

/**
 * `__resolveReference` of an entity whose id is its owner's user id — `User` in the subgraphs that
 * add fields to it: `{ id }` for that user and administrators, `null` for an id that cannot exist.
 */
export const ownUserReference = authorizeReference(
  { owner: (reference: { id: string }) => reference.id.toLowerCase() },
  (reference: { id: string }) => {
    const id = referenceId(reference);
    return id ? { id } : null;
  },
);

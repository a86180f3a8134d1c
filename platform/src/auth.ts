import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { rejectedToken } from './errors';

export type Role = 'CUSTOMER' | 'ADMIN';

/** Who is calling, as proven by a verified token. `null` means anonymous. */
export interface Viewer {
  userId: string;
  role: Role;
  /** Token expiry, seconds since the epoch. */
  expiresAt: number;
}

interface TokenClaims {
  sub: string;
  role: Role;
  exp: number;
}

const ISSUER = 'marketplace-graph';

/**
 * jsonwebtoken turns a string secret into a key on every call (and first tries it as a public
 * key, which throws): a cost on every request and subscription. Keys are built once per secret.
 */
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
const ALGORITHM = 'HS256';

/** A fresh signing secret: 32 random bytes, base64url (43 characters). */
export const randomJwtSecret = (): string => randomBytes(32).toString('base64url');

export interface TokenSigner {
  sign(user: { id: string; role: Role }): string;
}

export function createTokenSigner(secret: string, expiresIn: string): TokenSigner {
  return {
    sign: (user) =>
      jwt.sign({ role: user.role }, keyOf(secret), {
        subject: user.id,
        issuer: ISSUER,
        algorithm: ALGORITHM,
        expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
      }),
  };
}

/** Extracts the bearer token from an `Authorization` header value. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw rejectedToken('Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Verifies a token. No token → anonymous (`null`); a present but invalid or expired token is an
 * error, so a client with a stale session learns it instead of silently seeing anonymous data.
 */
export function verifyToken(token: string | null, secret: string): Viewer | null {
  if (token === null) return null;
  let claims: TokenClaims;
  try {
    claims = jwt.verify(token, keyOf(secret), { issuer: ISSUER, algorithms: [ALGORITHM] }) as TokenClaims;
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    throw rejectedToken(expired ? 'Token has expired' : 'Token is invalid');
  }
  if (typeof claims.sub !== 'string' || (claims.role !== 'CUSTOMER' && claims.role !== 'ADMIN')) {
    throw rejectedToken('Token is invalid');
  }
  return { userId: claims.sub, role: claims.role, expiresAt: claims.exp };
}

export const viewerFromHeader = (header: string | undefined | null, secret: string): Viewer | null =>
  verifyToken(bearerToken(header), secret);

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who a request acts for. Only an id today; scopes will be added here when tokens get
 * them, and the guard will check them against the route.
 */
export interface Principal {
  /** Stable and not secret: derived from the token's digest, never the token itself. */
  id: string;
}

/** Maps a presented bearer token to its principal, or null when the token is not known. */
export interface PrincipalResolver {
  resolve(token: string): Principal | null;
}

export const PRINCIPAL_RESOLVER = Symbol('PrincipalResolver');

/** Hex characters of the token digest kept in the principal id (64 bits: unique, not reversible). */
const PRINCIPAL_ID_HEX_LENGTH = 16;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The tokens of SWITCHYARD_API_TOKENS, each its own principal. Tokens are held only as
 * SHA-256 digests and compared in constant time; every known digest is compared on every
 * call, so the time taken does not say which token came close.
 */
export class StaticTokenPrincipals implements PrincipalResolver {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(tokens: readonly string[]) {
    this.entries = tokens.map((token) => {
      const digest = sha256(token);
      return {
        digest,
        principal: { id: `token-${digest.toString('hex').slice(0, PRINCIPAL_ID_HEX_LENGTH)}` },
      };
    });
  }

  resolve(token: string): Principal | null {
    const presented = sha256(token);
    let found: Principal | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    }
    return found;
  }
}

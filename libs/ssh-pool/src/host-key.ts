import { createHash } from 'node:crypto';

/**
 * OpenSSH's fingerprint of a host key: `SHA256:` and the unpadded base64 of the SHA-256
 * digest of the key blob, as `ssh-keygen -lf` and the SSH client print it.
 */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  const digest = createHash('sha256').update(keyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

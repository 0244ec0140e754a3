import type { Algorithms } from 'ssh2';

/**
 * ssh2's defaults without `ssh-rsa` (RSA host keys signed with SHA-1). RSA keys still work
 * through rsa-sha2-256/512.
 */
const MODERN_ALGORITHMS: Algorithms = {
  serverHostKey: { remove: ['ssh-rsa'] } as Algorithms['serverHostKey'],
};

/**
 * For switches whose SSH server offers nothing newer (older NX-OS releases): adds the
 * SHA-1 group 14 key exchange and `ssh-rsa` host keys after every modern choice, so a
 * modern server still negotiates a modern algorithm.
 */
const LEGACY_ALGORITHMS: Algorithms = {
  kex: { append: ['diffie-hellman-group14-sha1'] } as Algorithms['kex'],
};

export function algorithmsFor(legacyAlgorithms: boolean): Algorithms {
  return legacyAlgorithms ? LEGACY_ALGORITHMS : MODERN_ALGORITHMS;
}

import { isIP } from 'node:net';
import { z } from 'zod';

/** NX-OS accepts hostnames of at most 32 characters (BUGS.md S1: a 33rd is refused). */
export const MAX_SWITCH_NAME_LENGTH = 32;

export const SwitchNameSchema = z
  .string()
  .min(1)
  .max(
    MAX_SWITCH_NAME_LENGTH,
    `must be at most ${MAX_SWITCH_NAME_LENGTH} characters (the NX-OS hostname limit)`,
  )
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'must be an NX-OS hostname: letters, digits, _ . - and no leading punctuation',
  );

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const HostSchema = z
  .string()
  .min(1)
  .refine(
    (host) => isIP(host) !== 0 || HOSTNAME.test(host),
    'must be an IPv4 or IPv6 address or a DNS name',
  );

/** OpenSSH's form: `SHA256:` and the unpadded base64 of the key's SHA-256 digest. */
export const HostKeyFingerprintSchema = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must look like SHA256:<43 base64 characters>');

export const TagSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/, 'tags are 1-63 letters, digits, _ . : -');

export const SwitchInputSchema = z
  .object({
    name: SwitchNameSchema,
    host: HostSchema,
    port: z.number().int().min(1).max(65535).default(22),
    /** Key into the worker's credentials file; the credentials themselves never reach the API. */
    credentialRef: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be a key of the credentials file'),
    tags: z.array(TagSchema).max(32).default([]),
    /** Pin the host key up front; without it the first successful login pins it. */
    hostKeyFingerprint: HostKeyFingerprintSchema.optional(),
    /** Allow diffie-hellman-group14-sha1 and ssh-rsa for switches that offer nothing newer. */
    legacyAlgorithms: z.boolean().default(false),
  })
  .strict();

export type SwitchInput = z.infer<typeof SwitchInputSchema>;

/** What may be changed after registration. Re-pinning a host key is an explicit act. */
export const SwitchPatchSchema = z
  .object({
    host: HostSchema.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    credentialRef: SwitchInputSchema.shape.credentialRef.optional(),
    tags: z.array(TagSchema).max(32).optional(),
    hostKeyFingerprint: HostKeyFingerprintSchema.nullable().optional(),
    legacyAlgorithms: z.boolean().optional(),
  })
  .strict();

export type SwitchPatch = z.infer<typeof SwitchPatchSchema>;

export interface HostKeyPin {
  fingerprint: string;
  /** `registered`: given at registration or by PATCH; `first-use`: learnt at the first login. */
  source: 'registered' | 'first-use';
  pinnedAt: string;
}

export interface Switch {
  id: string;
  name: string;
  host: string;
  port: number;
  credentialRef: string;
  tags: string[];
  legacyAlgorithms: boolean;
  hostKey: HostKeyPin | null;
  createdAt: string;
  updatedAt: string;
}

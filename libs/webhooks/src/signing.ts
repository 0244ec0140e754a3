import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How far a delivery's timestamp may be from the receiver's clock, in seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The version tag of the signature scheme, as it appears in the signature header. */
const SIGNATURE_SCHEME = 'v1';

const SECRET_PREFIX = 'whsec_';

/** Random bytes of the per-webhook salt the signing secret is derived with. */
const SALT_BYTES = 16;

/** A fresh per-webhook salt. Stored with the webhook; useless without the master key. */
export function newSecretSalt(): string {
  return randomBytes(SALT_BYTES).toString('base64url');
}

/**
 * The signing secret of one webhook, derived rather than stored: only the master key (from
 * the environment) together with the webhook's id and salt reproduces it.
 */
export function deriveWebhookSecret(masterKey: string, webhookId: string, salt: string): string {
  const mac = createHmac('sha256', masterKey).update(`webhook:${webhookId}:${salt}`).digest();
  return SECRET_PREFIX + mac.toString('base64url');
}

export interface SignInput {
  secret: string;
  /** Unix time in seconds, exactly as sent in the timestamp header. */
  timestamp: number | string;
  /** The exact bytes sent as the request body. */
  body: Buffer | string;
}

/** The signature header value: `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function signWebhookPayload({ secret, timestamp, body }: SignInput): string {
  return `${SIGNATURE_SCHEME}=${signatureHex(secret, String(timestamp), toBytes(body))}`;
}

export interface VerifyInput {
  secret: string;
  /** The raw request body, before any JSON parsing. */
  body: Buffer | string;
  timestampHeader: string | string[] | undefined;
  signatureHeader: string | string[] | undefined;
  /** Accepted clock difference, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock. Default: now. */
  now?: Date;
}

export type VerifyFailureReason =
  | 'missing-timestamp'
  | 'malformed-timestamp'
  | 'timestamp-outside-tolerance'
  | 'missing-signature'
  | 'signature-mismatch';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailureReason };

/**
 * Checks a delivery as a receiver should: the signature must match the raw body and the
 * timestamp header (so an edited timestamp fails), and the timestamp must be within the
 * tolerance window (so a captured delivery cannot be replayed later).
 */
export function verifyWebhookSignature(input: VerifyInput): VerifyResult {
  const timestampText = singleHeader(input.timestampHeader);
  if (!timestampText) return { ok: false, reason: 'missing-timestamp' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed-timestamp' };

  const signatureText = singleHeader(input.signatureHeader);
  if (!signatureText) return { ok: false, reason: 'missing-signature' };

  const toleranceSeconds = input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestampText)) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp-outside-tolerance' };
  }

  const expected = Buffer.from(
    signatureHex(input.secret, timestampText, toBytes(input.body)),
    'hex',
  );
  // Several signatures may be listed (comma or space separated); any valid v1 one is enough.
  const candidates = signatureText
    .split(/[\s,]+/)
    .filter((part) => part.startsWith(`${SIGNATURE_SCHEME}=`))
    .map((part) => Buffer.from(part.slice(SIGNATURE_SCHEME.length + 1), 'hex'));
  const matches = candidates.some(
    (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
  );

  return matches ? { ok: true } : { ok: false, reason: 'signature-mismatch' };
}

function signatureHex(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

function toBytes(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

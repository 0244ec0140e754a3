export * from './services';
export {
  signWebhookPayload,
  verifyWebhookSignature,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
} from './signing';
export type { SignInput, VerifyInput, VerifyResult, VerifyFailureReason } from './signing';
export {
  DELIVERY_ATTEMPT_TIMEOUT_MS,
  DELIVERY_MAX_ATTEMPTS,
  DELIVERY_RETRY_BASE_DELAY_MS,
  DELIVERY_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_SCHEDULE,
  retryDelayMs,
} from './retry-schedule';
export type { RetrySchedule } from './retry-schedule';
export { checkWebhookTarget } from './target-policy';
export type { ResolveHost } from './target-policy';
export { DISPATCHER_GROUP, deliveryIdFor } from './dispatcher';

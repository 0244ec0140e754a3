/** A webhook URL that the address policy refuses: HTTP 400 at registration. */
export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
}

/**
 * Webhooks cannot be created without SWITCHYARD_SECRET_KEY, since every signing secret is
 * derived from it. A configuration problem of the server, not of the request.
 */
export class WebhookSecretKeyMissingError extends Error {
  override readonly name = 'WebhookSecretKeyMissingError';

  constructor() {
    super(
      'webhooks need SWITCHYARD_SECRET_KEY (32 characters or more) on the API and the worker; ' +
        'set it in the environment and restart',
    );
  }
}

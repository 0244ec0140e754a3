import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-types';
import {
  WebhookInputSchema,
  WebhookPatchSchema,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookInput,
  type WebhookPatch,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import type { WebhookApi } from '@switchyard/webhooks';
import { LOGGER, WEBHOOK_API } from '../api-runtime';
import { NotFoundError } from '../http/api-error';
import { DeliveryParamsSchema, IdParamsSchema, LimitQuerySchema } from '../http/params';
import { requestLogger } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { WithholdOnReplay } from '../idempotency/idempotency.interceptor';
import {
  ApiErrors,
  ApiIdempotent,
  ApiIdParam,
  ApiJsonBody,
  ApiLimitQuery,
  ApiOk,
  EXAMPLES,
} from '../openapi/decorators';

/** Webhook subscriptions and their deliveries. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  private readonly logger: Logger;

  constructor(
    @Inject(WEBHOOK_API) private readonly webhooks: WebhookApi,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'WebhooksController' });
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @WithholdOnReplay('secret')
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      'The answer carries the signing `secret`: the only time it is shown. A replay of this request (same Idempotency-Key and body) answers without it and says so in `Idempotency-Withheld: secret`.',
  })
  @ApiJsonBody('WebhookInput', { completions: EXAMPLES.webhookInput })
  @ApiOk(201, 'WebhookCreated', 'The webhook, with its secret.')
  @ApiIdempotent()
  @ApiErrors(400, 409)
  async create(
    @Body(new ZodValidationPipe(WebhookInputSchema)) input: WebhookInput,
    @Req() req: HttpRequest,
  ): Promise<WebhookCreated> {
    const created = await this.webhooks.create(input);
    requestLogger(this.logger, req).info(
      { webhookId: created.id, events: created.events },
      'webhook created',
    );
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks' })
  @ApiOk(200, 'Webhook', 'The webhooks (never their secrets).', { list: true })
  @ApiErrors()
  async list(): Promise<Webhook[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiIdParam()
  @ApiOk(200, 'Webhook', 'The webhook (never its secret).')
  @ApiErrors(400, 404)
  async get(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
  ): Promise<Webhook> {
    const found = await this.webhooks.get(params.id);
    if (!found) throw new NotFoundError('webhook', params.id);
    return found;
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook',
    description: '`active: false` stops deliveries without losing the subscription.',
  })
  @ApiIdParam()
  @ApiJsonBody('WebhookPatch', { pause: { active: false } })
  @ApiOk(200, 'Webhook', 'The webhook after the change.')
  @ApiErrors(400, 404)
  async update(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Body(new ZodValidationPipe(WebhookPatchSchema)) patch: WebhookPatch,
    @Req() req: HttpRequest,
  ): Promise<Webhook> {
    const updated = await this.webhooks.update(params.id, patch);
    if (!updated) throw new NotFoundError('webhook', params.id);
    requestLogger(this.logger, req).info(
      { webhookId: params.id, fields: Object.keys(patch) },
      'webhook changed',
    );
    return updated;
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a webhook' })
  @ApiIdParam()
  @ApiResponse({ status: 204, description: 'Removed.' })
  @ApiErrors(400, 404)
  async remove(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Req() req: HttpRequest,
  ): Promise<void> {
    const removed = await this.webhooks.delete(params.id);
    if (!removed) throw new NotFoundError('webhook', params.id);
    requestLogger(this.logger, req).info({ webhookId: params.id }, 'webhook removed');
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'List deliveries of a webhook',
    description: 'Newest first, with every attempt.',
  })
  @ApiIdParam()
  @ApiLimitQuery()
  @ApiOk(200, 'WebhookDelivery', 'The deliveries.', { list: true })
  @ApiErrors(400, 404)
  async deliveries(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Query(new ZodValidationPipe(LimitQuerySchema)) query: { limit: number },
  ): Promise<WebhookDelivery[]> {
    const deliveries = await this.webhooks.deliveries(params.id, query.limit);
    if (!deliveries) throw new NotFoundError('webhook', params.id);
    return deliveries;
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a delivery again',
    description: 'Same delivery id and body, as a new series of attempts.',
  })
  @ApiIdParam('id', 'Webhook id')
  @ApiIdParam('deliveryId', 'Delivery id')
  @ApiOk(202, 'WebhookDelivery', 'The delivery, queued again.')
  @ApiIdempotent()
  @ApiErrors(400, 404, 409)
  async redeliver(
    @Param(new ZodValidationPipe(DeliveryParamsSchema)) params: { id: string; deliveryId: string },
    @Req() req: HttpRequest,
  ): Promise<WebhookDelivery> {
    const delivery = await this.webhooks.redeliver(params.id, params.deliveryId);
    if (!delivery) throw new NotFoundError('delivery', `${params.id}/${params.deliveryId}`);
    requestLogger(this.logger, req).info(
      { webhookId: params.id, deliveryId: params.deliveryId },
      'delivery queued again',
    );
    return delivery;
  }
}

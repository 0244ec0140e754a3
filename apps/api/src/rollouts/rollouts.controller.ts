import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-types';
import { RolloutInputSchema, type RolloutInput, type RolloutView } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import type { RolloutApi } from '@switchyard/rollouts';
import { LOGGER, ROLLOUT_API } from '../api-runtime';
import { NotFoundError } from '../http/api-error';
import { IdParamsSchema, LimitQuerySchema } from '../http/params';
import { requestLogger } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import {
  ApiErrors,
  ApiIdempotent,
  ApiIdParam,
  ApiJsonBody,
  ApiLimitQuery,
  ApiOk,
  EXAMPLES,
} from '../openapi/decorators';

type RolloutAction = 'pause' | 'resume' | 'cancel';

/** Rollouts: the procedure over many switches, with canary, waves and a failure budget. */
@ApiTags('rollouts')
@ApiBearerAuth()
@Controller('v1/rollouts')
export class RolloutsController {
  private readonly logger: Logger;

  constructor(
    @Inject(ROLLOUT_API) private readonly rollouts: RolloutApi,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'RolloutsController' });
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Start a rollout',
    description:
      'Targets `switchIds` or `tags` (exactly one). Unknown switches or tags matching none give 400 naming them.',
  })
  @ApiJsonBody('RolloutInput', {
    byTag: EXAMPLES.rolloutInput,
    planOnly: { switchIds: ['8f8e1f6a-4a0c-4d55-9a53-6f1f4f7f3b10'], dryRun: true },
  })
  @ApiOk(202, 'RolloutView', 'The rollout as started.')
  @ApiIdempotent()
  @ApiErrors(400, 409)
  async create(
    @Body(new ZodValidationPipe(RolloutInputSchema)) input: RolloutInput,
    @Req() req: HttpRequest,
  ): Promise<RolloutView> {
    const rollout = await this.rollouts.create(input);
    requestLogger(this.logger, req).info(
      { rolloutId: rollout.id, switches: rollout.counts.total, dryRun: rollout.dryRun },
      'rollout started',
    );
    return rollout;
  }

  @Get()
  @ApiOperation({ summary: 'List rollouts', description: 'Newest first.' })
  @ApiLimitQuery()
  @ApiOk(200, 'RolloutView', 'The rollouts.', { list: true })
  @ApiErrors(400)
  async list(
    @Query(new ZodValidationPipe(LimitQuerySchema)) query: { limit: number },
  ): Promise<RolloutView[]> {
    return this.rollouts.list(query.limit);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a rollout',
    description: 'State and per-switch results, read from stored state.',
  })
  @ApiIdParam()
  @ApiOk(200, 'RolloutView', 'The rollout.')
  @ApiErrors(400, 404)
  async get(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
  ): Promise<RolloutView> {
    const rollout = await this.rollouts.get(params.id);
    if (!rollout) throw new NotFoundError('rollout', params.id);
    return rollout;
  }

  @Post(':id/pause')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Pause a rollout',
    description: 'Running switches finish; no new switch starts until resumed.',
  })
  @ApiIdParam()
  @ApiOk(200, 'RolloutView', 'The rollout, paused.')
  @ApiIdempotent()
  @ApiErrors(400, 404, 409)
  async pause(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Req() req: HttpRequest,
  ): Promise<RolloutView> {
    return this.act('pause', params.id, req);
  }

  @Post(':id/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Resume a paused rollout' })
  @ApiIdParam()
  @ApiOk(200, 'RolloutView', 'The rollout, running again.')
  @ApiIdempotent()
  @ApiErrors(400, 404, 409)
  async resume(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Req() req: HttpRequest,
  ): Promise<RolloutView> {
    return this.act('resume', params.id, req);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel a rollout',
    description: 'Running steps end cleanly; switches not started are cancelled.',
  })
  @ApiIdParam()
  @ApiOk(200, 'RolloutView', 'The rollout after the cancel.')
  @ApiIdempotent()
  @ApiErrors(400, 404, 409)
  async cancel(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Req() req: HttpRequest,
  ): Promise<RolloutView> {
    return this.act('cancel', params.id, req);
  }

  private async act(action: RolloutAction, id: string, req: HttpRequest): Promise<RolloutView> {
    const rollout = await this.rollouts[action](id);
    if (!rollout) throw new NotFoundError('rollout', id);
    requestLogger(this.logger, req).info(
      { rolloutId: id, action, state: rollout.state },
      'rollout action',
    );
    return rollout;
  }
}

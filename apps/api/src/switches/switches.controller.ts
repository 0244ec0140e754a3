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
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-types';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  SwitchInputSchema,
  SwitchPatchSchema,
  TagSchema,
  type Switch,
  type SwitchInput,
  type SwitchPatch,
} from '@switchyard/contracts';
import type { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import { CONFIG, LOGGER, SWITCH_REPOSITORY } from '../api-runtime';
import { InvalidRequestException, NotFoundError } from '../http/api-error';
import { IdParamsSchema } from '../http/params';
import { requestLogger } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import {
  ApiErrors,
  ApiIdempotent,
  ApiIdParam,
  ApiJsonBody,
  ApiOk,
  EXAMPLES,
} from '../openapi/decorators';

const ListSwitchesQuerySchema = z.object({ tag: TagSchema.optional() }).strict();

/** The switch inventory: registration, lookup, changes and removal. */
@ApiTags('switches')
@ApiBearerAuth()
@Controller('v1/switches')
export class SwitchesController {
  private readonly logger: Logger;

  constructor(
    @Inject(SWITCH_REPOSITORY) private readonly switches: SwitchRepository,
    @Inject(CONFIG) private readonly config: SwitchyardConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'SwitchesController' });
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register a switch',
    description:
      'Names are NX-OS hostnames (at most 32 characters) and unique, case-insensitively.',
  })
  @ApiJsonBody('SwitchInput', { lab: EXAMPLES.switchInput })
  @ApiOk(201, 'Switch', 'The registered switch.', { example: EXAMPLES.switch })
  @ApiIdempotent()
  @ApiErrors(400, 409)
  async create(
    @Body(new ZodValidationPipe(SwitchInputSchema)) input: SwitchInput,
    @Req() req: HttpRequest,
  ): Promise<Switch> {
    this.checkAddressAllowed(input.host);

    const created = await this.switches.create(input);
    requestLogger(this.logger, req).info(
      { switchId: created.id, switch: created.name },
      'switch registered',
    );
    return created;
  }

  @Get()
  @ApiOperation({
    summary: 'List switches',
    description: 'In registration order; `tag` keeps those carrying it.',
  })
  @ApiQuery({ name: 'tag', required: false, schema: { type: 'string' } })
  @ApiOk(200, 'Switch', 'The switches.', { list: true, example: [EXAMPLES.switch] })
  @ApiErrors(400)
  async list(
    @Query(new ZodValidationPipe(ListSwitchesQuerySchema))
    query: z.output<typeof ListSwitchesQuerySchema>,
  ): Promise<Switch[]> {
    return query.tag === undefined ? this.switches.list() : this.switches.findByTags([query.tag]);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a switch' })
  @ApiIdParam()
  @ApiOk(200, 'Switch', 'The switch.', { example: EXAMPLES.switch })
  @ApiErrors(400, 404)
  async get(@Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string }): Promise<Switch> {
    const found = await this.switches.get(params.id);
    if (!found) throw new NotFoundError('switch', params.id);
    return found;
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a switch',
    description:
      '`hostKeyFingerprint: null` forgets the pinned host key, so the next login pins the key it sees.',
  })
  @ApiIdParam()
  @ApiJsonBody('SwitchPatch', {
    retag: { tags: ['lab', 'dc2'] },
    repin: { hostKeyFingerprint: null },
  })
  @ApiOk(200, 'Switch', 'The switch after the change.')
  @ApiErrors(400, 404)
  async update(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Body(new ZodValidationPipe(SwitchPatchSchema)) patch: SwitchPatch,
    @Req() req: HttpRequest,
  ): Promise<Switch> {
    if (patch.host !== undefined) this.checkAddressAllowed(patch.host);

    const updated = await this.switches.update(params.id, patch);
    if (!updated) throw new NotFoundError('switch', params.id);
    requestLogger(this.logger, req).info(
      { switchId: updated.id, fields: Object.keys(patch) },
      'switch changed',
    );
    return updated;
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a switch' })
  @ApiIdParam()
  @ApiResponse({ status: 204, description: 'Removed.' })
  @ApiErrors(400, 404)
  async remove(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Req() req: HttpRequest,
  ): Promise<void> {
    const removed = await this.switches.delete(params.id);
    if (!removed) throw new NotFoundError('switch', params.id);
    requestLogger(this.logger, req).info({ switchId: params.id }, 'switch removed');
  }

  /**
   * An address literal outside SWITCHYARD_SWITCH_NETWORKS is refused now rather than by the
   * worker later. DNS names are checked by the worker once resolved.
   */
  private checkAddressAllowed(host: string): void {
    if (isIP(host) === 0 || this.config.switchNetworks.has(host)) return;
    throw new InvalidRequestException([
      {
        path: 'host',
        message: `${host} is outside SWITCHYARD_SWITCH_NETWORKS (${this.config.switchNetworks.cidrs.join(', ')})`,
      },
    ]);
  }
}

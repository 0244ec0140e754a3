import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { componentSchemas } from './schemas';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs/json';

/** The OpenAPI document, generated from the controllers' decorators and the zod schemas. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchyard API')
    .setDescription(
      'Registers Cisco Nexus switches and rolls a container out to them over SSH. Every `/v1` route needs ' +
        '`Authorization: Bearer <token>`. Errors share one shape; 400s name each bad field in `errors`. ' +
        'POST routes accept `Idempotency-Key`.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque',
      description: 'A token from SWITCHYARD_API_TOKENS.',
    })
    .build();

  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...componentSchemas() },
  };
  return document;
}

/** Serves the HTML page at /docs and the document at /docs/json (no token needed). */
export function serveOpenApiDocs(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    yamlDocumentUrl: 'docs/yaml',
  });
  return document;
}

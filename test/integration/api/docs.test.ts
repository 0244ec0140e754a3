import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startTestApi, type TestApi } from './api-harness';

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: {
    content: Record<string, { schema: { $ref?: string }; examples?: Record<string, unknown> }>;
  };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, { type: string; scheme: string }>;
  };
};

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the running app serves, read from Express's router: method and OpenAPI-style path. */
function servedRoutes(api: TestApi): string[] {
  const express = api.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack
    .flatMap((layer) =>
      layer.route ? Object.keys(layer.route.methods).map((m) => `${m} ${layer.route!.path}`) : [],
    )
    .filter((route) => !route.split(' ')[1].startsWith('/docs'))
    .map((route) => route.replace(/:(\w+)/g, '{$1}'));
}

describe('OpenAPI document', () => {
  let api: TestApi;
  let doc: OpenApiDocument;

  before(async () => {
    api = await startTestApi('api-docs');
    doc = (await request(api.server).get('/docs/json').expect(200)).body;
  });

  after(async () => {
    await api.close();
  });

  it('serves an HTML page at /docs without a token', async () => {
    const res = await request(api.server).get('/docs').expect(200);

    assert.match(res.headers['content-type'], /text\/html/);
    assert.match(res.text, /swagger/i);
  });

  it('documents every route the app serves, and nothing it does not', () => {
    const served = servedRoutes(api).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .sort();

    assert.ok(served.length >= 22, `only ${served.length} routes found in the router`);
    assert.deepEqual(documented, served);
  });

  it('declares the bearer scheme and requires it on every /v1 operation', () => {
    assert.equal(doc.components.securitySchemes.bearer.type, 'http');
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');

    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const secured = (operation.security ?? []).some((s) => 'bearer' in s);
        assert.equal(secured, path.startsWith('/v1'), `${method} ${path}`);
        if (path.startsWith('/v1'))
          assert.ok(operation.responses['401'], `${method} ${path} documents 401`);
      }
    }
  });

  it('gives every body a schema generated from its zod schema, with examples', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method !== 'patch' && !(method === 'post' && operation.requestBody)) continue;
        const content = operation.requestBody?.content['application/json'];
        assert.ok(content, `${method} ${path} has a JSON body`);
        const ref = content.schema.$ref!;
        const name = ref.replace('#/components/schemas/', '');
        assert.ok(doc.components.schemas[name], `${ref} resolves`);
        assert.ok(Object.keys(content.examples ?? {}).length > 0, `${method} ${path} has examples`);
      }
    }

    const switchInput = doc.components.schemas.SwitchInput as {
      properties: { name: { maxLength: number } };
      required: string[];
      additionalProperties: boolean;
    };
    assert.equal(switchInput.properties.name.maxLength, 32);
    assert.deepEqual([...switchInput.required].sort(), ['credentialRef', 'host', 'name']);
    assert.equal(switchInput.additionalProperties, false);
  });

  it('documents a success response with a schema for every operation', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses).filter(([status]) =>
          status.startsWith('2'),
        );
        assert.ok(success.length > 0, `${method} ${path} has a 2xx response`);
        for (const [status, response] of success) {
          if (status === '204') continue;
          assert.ok(response.content, `${method} ${path} ${status} has content`);
        }
      }
    }
  });
});

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'chai';
import type { ToolCall } from 'chat-cmpl-stream-handler';
import { McpToolset } from 'chat-cmpl-stream-handler/mcp';
import { toStrictJsonSchema } from 'openai-strict-checker/lib/transform';
import { connectInMemory } from './fixtures/in-memory.js';
import { createSchemaServer, type RawTool } from './fixtures/schema-server.js';

/** Input schemas as real servers publish them (zod, pydantic, hand-written), each with what the model must be offered. */
const STRICT_CASES: { name: string; inputSchema: Record<string, unknown>; parameters?: Record<string, unknown> }[] = [
  {
    name: 'optional_and_default',
    inputSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path', minLength: 1 },
        encoding: { type: 'string', enum: ['utf8', 'base64'], default: 'utf8' },
        limit: { type: 'integer', minimum: 1, exclusiveMaximum: 1000 },
      },
      required: ['path'],
    },
    parameters: {
      type: 'object',
      properties: {
        path: { description: 'File path', type: 'string', minLength: 1 },
        encoding: { description: 'default: "utf8"', type: ['string', 'null'], enum: ['utf8', 'base64', null] },
        limit: { type: ['integer', 'null'], minimum: 1, exclusiveMaximum: 1000 },
      },
      required: ['path', 'encoding', 'limit'],
      additionalProperties: false,
    },
  },
  {
    name: 'nested_objects_and_arrays',
    inputSchema: {
      type: 'object',
      properties: {
        order: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'number' } }, required: ['sku'] },
            },
            note: { type: ['string', 'null'] },
          },
          required: ['items', 'note'],
        },
      },
      required: ['order'],
    },
    parameters: {
      type: 'object',
      properties: {
        order: {
          type: 'object',
          properties: {
            items: {
              description: 'items must be unique',
              type: 'array',
              items: {
                type: 'object',
                properties: { sku: { type: 'string' }, qty: { type: ['number', 'null'] } },
                required: ['sku', 'qty'],
                additionalProperties: false,
              },
              minItems: 1,
            },
            note: { type: ['string', 'null'] },
          },
          required: ['items', 'note'],
          additionalProperties: false,
        },
      },
      required: ['order'],
      additionalProperties: false,
    },
  },
  {
    name: 'one_of_const_and_formats',
    inputSchema: {
      type: 'object',
      properties: {
        target: {
          oneOf: [
            { type: 'object', properties: { kind: { const: 'user' }, email: { type: 'string', format: 'email' } }, required: ['kind', 'email'] },
            { type: 'object', properties: { kind: { const: 'url' }, href: { type: 'string', format: 'uri' } }, required: ['kind', 'href'] },
          ],
        },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['target', 'when'],
    },
    parameters: {
      type: 'object',
      properties: {
        target: {
          anyOf: [
            {
              type: 'object',
              properties: { kind: { type: 'string', enum: ['user'] }, email: { type: 'string', format: 'email' } },
              required: ['kind', 'email'],
              additionalProperties: false,
            },
            {
              type: 'object',
              properties: { kind: { type: 'string', enum: ['url'] }, href: { description: 'format: uri', type: 'string' } },
              required: ['kind', 'href'],
              additionalProperties: false,
            },
          ],
        },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['target', 'when'],
      additionalProperties: false,
    },
  },
  {
    name: 'recursive_definitions',
    inputSchema: {
      type: 'object',
      properties: { tree: { $ref: '#/definitions/Node' }, label: { $ref: '#/definitions/Label', description: 'Shown to users' } },
      required: ['tree'],
      definitions: {
        Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/Node' } } }, required: ['name', 'children'] },
        Label: { type: 'string', maxLength: 20 },
      },
    },
    parameters: {
      type: 'object',
      properties: {
        tree: { $ref: '#/$defs/Node' },
        label: { description: 'Shown to users', type: ['string', 'null'], maxLength: 20 },
      },
      required: ['tree', 'label'],
      additionalProperties: false,
      $defs: {
        Node: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
          required: ['name', 'children'],
          additionalProperties: false,
        },
      },
    },
  },
  {
    name: 'all_of_type_lists_and_draft4',
    inputSchema: {
      type: 'object',
      allOf: [
        { properties: { id: { type: ['string', 'integer'] } }, required: ['id'] },
        { $ref: '#/$defs/Paging' },
      ],
      $defs: { Paging: { type: 'object', properties: { page: { type: 'number', minimum: 0, exclusiveMinimum: true } } } },
    },
    parameters: {
      type: 'object',
      properties: {
        id: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        page: { type: ['number', 'null'], exclusiveMinimum: 0 },
      },
      required: ['id', 'page'],
      additionalProperties: false,
    },
  },
  {
    // github-mcp-server's projects_write (pkg/github/__toolsnaps__/projects_write.snap): a `type` beside the `oneOf`.
    name: 'redundant_type_beside_one_of',
    inputSchema: {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            oneOf: [
              { type: 'object', additionalProperties: false, properties: { node_id: { type: 'string' } }, required: ['node_id'] },
              { additionalProperties: false, properties: { item_id: { type: 'integer' } }, required: ['item_id'] },
              { type: 'string' },
            ],
          },
        },
      },
      required: ['items'],
    },
    parameters: {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'object', properties: { node_id: { type: 'string' } }, required: ['node_id'], additionalProperties: false },
              { type: 'object', properties: { item_id: { type: 'integer' } }, required: ['item_id'], additionalProperties: false },
            ],
          },
        },
      },
      required: ['items'],
      additionalProperties: false,
    },
  },
  {
    // Shared properties beside a oneOf of `required` lists: "give an id or a name".
    name: 'shared_properties_beside_one_of',
    inputSchema: {
      type: 'object',
      properties: {
        user: {
          type: 'object',
          description: 'Who to look up',
          properties: { id: { type: 'integer' }, name: { type: 'string' } },
          oneOf: [{ required: ['id'] }, { required: ['name'] }],
        },
      },
      required: ['user'],
    },
    parameters: {
      type: 'object',
      properties: {
        user: {
          description: 'Who to look up',
          anyOf: [
            { type: 'object', properties: { id: { type: 'integer' }, name: { type: ['string', 'null'] } }, required: ['id', 'name'], additionalProperties: false },
            { type: 'object', properties: { id: { type: ['integer', 'null'] }, name: { type: 'string' } }, required: ['id', 'name'], additionalProperties: false },
          ],
        },
      },
      required: ['user'],
      additionalProperties: false,
    },
  },
  { name: 'no_arguments', inputSchema: { type: 'object' }, parameters: { type: 'object', properties: {}, required: [], additionalProperties: false } },
  {
    name: 'optional_reference_and_union',
    inputSchema: {
      type: 'object',
      properties: {
        address: { $ref: '#/$defs/Address' },
        id: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        mode: { enum: ['fast', 'safe', 1] },
        flags: { type: 'object', properties: { dryRun: { type: 'boolean' } }, nullable: true },
      },
      $defs: { Address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    },
  },
];

const NOT_STRICT_CASES: { name: string; inputSchema: Record<string, unknown>; because: string }[] = [
  { name: 'free_form_object', inputSchema: { type: 'object', properties: { options: { type: 'object', description: 'Anything' } } }, because: 'property "options" is an object with free-form keys' },
  { name: 'string_map', inputSchema: { type: 'object', properties: { env: { type: 'object', additionalProperties: { type: 'string' } } } }, because: 'property "env" is an object with free-form keys' },
  { name: 'any_value', inputSchema: { type: 'object', properties: { value: { description: 'Any JSON' } }, required: ['value'] }, because: 'property "value" accepts any JSON value' },
  { name: 'tuple', inputSchema: { type: 'object', properties: { point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }] } } }, because: 'property "point" is a tuple' },
  { name: 'untyped_array', inputSchema: { type: 'object', properties: { rows: { type: 'array' } } }, because: 'property "rows" is an array of any values' },
  { name: 'pattern_properties', inputSchema: { type: 'object', properties: {}, patternProperties: { '^x-': { type: 'string' } } }, because: 'patternProperties' },
  { name: 'open_root', inputSchema: { type: 'object', additionalProperties: true }, because: 'the arguments object is an object with free-form keys' },
  { name: 'conflicting_all_of', inputSchema: { type: 'object', allOf: [{ properties: { a: { type: 'string' } } }, { properties: { a: { type: 'number' } } }] }, because: 'describes "a" in two different ways' },
  { name: 'union_beside_string_keywords', inputSchema: { type: 'object', properties: { code: { minLength: 3, anyOf: [{ type: 'string' }, { type: 'integer' }] } } }, because: 'property "code" combines a union with other constraints (minLength)' },
  { name: 'external_ref', inputSchema: { type: 'object', properties: { geo: { $ref: 'https://example.com/geo.json' } } }, because: 'not a local definition' },
];

describe('mcp: input schemas made strict-safe', () => {
  let client: Client;
  let toolset: McpToolset;
  const received: { name: string; args: unknown }[] = [];

  before(async () => {
    const tools: RawTool[] = [...STRICT_CASES, ...NOT_STRICT_CASES].map(({ name, inputSchema }) => ({ name, inputSchema }));
    client = await connectInMemory(createSchemaServer(tools, received));
    toolset = await McpToolset.connect({ client });
  });
  after(async () => {
    await toolset.close();
    await client.close();
  });
  beforeEach(() => void received.splice(0));

  const offered = (name: string) => toolset.tools.find((t) => t.mcpName === name)!.schema.function;

  for (const { name, parameters } of STRICT_CASES) {
    it(`${name}: strict, accepted unchanged by the OpenAI SDK's own strict checker${parameters ? ', and as expected' : ''}`, () => {
      const fn = offered(name);
      expect(fn.strict).to.equal(true);
      expect(toStrictJsonSchema(fn.parameters as never)).to.deep.equal(fn.parameters);
      if (parameters) expect(fn.parameters).to.deep.equal(parameters);
    });
  }

  for (const { name, inputSchema, because } of NOT_STRICT_CASES) {
    it(`${name}: offered with strict: false and the server's own schema, saying why`, () => {
      const fn = offered(name);
      expect(fn.strict).to.equal(false);
      const { $schema: _ignored, ...withoutSchemaKeyword } = inputSchema;
      expect(fn.parameters).to.deep.equal({ properties: {}, ...withoutSchemaKeyword, type: 'object' });
      expect(toolset.tools.find((t) => t.mcpName === name)!.notStrictBecause).to.contain(because);
    });
  }

  it('every strict case really needed the conversion: the raw schema fails the strict checker', () => {
    for (const { name, inputSchema } of STRICT_CASES.filter((c) => c.name !== 'no_arguments')) {
      const raw = JSON.stringify(inputSchema);
      expect(() => toStrictJsonSchema(inputSchema as never), raw).to.throw();
    }
  });

  const invoke = (name: string, args: unknown) => {
    const tool = toolset.tools.find((t) => t.mcpName === name)!;
    const toolCall: ToolCall = { id: 'c', type: 'function', function: { name: tool.schema.function.name, arguments: JSON.stringify(args) } };
    return tool.invoke(toolCall, undefined, { signal: new AbortController().signal, iteration: 0 });
  };

  it('drops nulls for optional properties at every depth, keeping nulls the original schema allows', async () => {
    await invoke('nested_objects_and_arrays', { order: { items: [{ sku: 'a', qty: null }, { sku: 'b', qty: 2 }], note: null } });
    await invoke('optional_and_default', { path: '/tmp/x', encoding: null, limit: null });
    await invoke('recursive_definitions', { tree: { name: 'root', children: [{ name: 'leaf', children: [] }] }, label: null });
    await invoke('optional_reference_and_union', { address: null, id: null, mode: 'fast', flags: null });
    expect(received.map((r) => r.args)).to.deep.equal([
      { order: { items: [{ sku: 'a' }, { sku: 'b', qty: 2 }], note: null } },
      { path: '/tmp/x' },
      { tree: { name: 'root', children: [{ name: 'leaf', children: [] }] } },
      { mode: 'fast', flags: null },
    ]);
  });
});

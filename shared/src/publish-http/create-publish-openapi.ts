import { z } from "zod";
import { EventNameSchema, MAX_DATA_DEPTH, RESERVED_EVENT_NAMES, ROOM_NAME_RULE, RoomNameSchema } from "../events/index.js";
import { ERROR_STATUS, type ErrorCode } from "../http/index.js";
import { COMPONENTS, describeApi, ERROR_EXAMPLES, PROPERTY_DESCRIPTIONS, TAGS } from "./publish-api-descriptions.js";
import { createPublishApiOperations, type Example, type PublishApiOperation, type PublishApiOperationsOptions, type Refusal } from "./publish-api-operations.js";
import { BatchMessageAcceptedSchema, BatchMessageUnavailableSchema, ErrorIssueSchema, errorBodySchema } from "./publish-api-responses.js";

export type JsonSchema = Record<string, unknown>;

export interface OpenApiResponse {
  description: string;
  headers: Record<string, { $ref: string }>;
  content: { "application/json": { schema: { $ref: string }; examples: Record<string, Example> } };
}

export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters: Array<Record<string, unknown>>;
  requestBody?: { required: true; content: { "application/json": { schema: { $ref: string }; examples: Record<string, Example> } } };
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string; description: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Partial<Record<PublishApiOperation["method"], OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, string>>;
    parameters: Record<string, Record<string, unknown>>;
    headers: Record<string, Record<string, unknown>>;
  };
}

export interface PublishOpenApiOptions extends PublishApiOperationsOptions {
  /** The routes to describe; `createPublishApiOperations(options)` unless given. */
  operations?: readonly PublishApiOperation[];
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorSchemaName = (code: ErrorCode) => `${code.replace(/(^|_)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}Error`;
/** `/v1/notifications/:jobId` as OpenAPI writes it: `/v1/notifications/{jobId}`. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, "{$1}");

/**
 * The publish API's OpenAPI 3.1 document. Request and response bodies are `z.toJSONSchema` of
 * the zod schemas the routes validate with (input side: defaults shown, transforms not), so the
 * document cannot drift from what the routes accept; what JSON Schema cannot say (refinements:
 * `room` xor `rooms`, the depth of `data`) is in the descriptions.
 */
export function createPublishOpenApi(options: PublishOpenApiOptions): OpenApiDocument {
  const operations = options.operations ?? createPublishApiOperations(options);
  const named = new Map<string, z.ZodType>([
    ["RoomName", RoomNameSchema],
    ["EventName", EventNameSchema],
    ["ErrorIssue", ErrorIssueSchema],
    ["BatchMessageAccepted", BatchMessageAcceptedSchema],
    ["BatchMessageUnavailable", BatchMessageUnavailableSchema],
  ]);
  for (const operation of operations) {
    for (const body of [...(operation.body ? [operation.body] : []), ...operation.success]) {
      named.set(body.name, body.schema);
      for (const [name, schema] of Object.entries(body.shapes ?? {})) named.set(name, schema);
    }
  }
  const codes = errorCodesUsed(operations);
  for (const code of codes) named.set(errorSchemaName(code), errorBodySchema(code));

  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "input",
    // `data` is a z.custom: any JSON value, `{}`.
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === EventNameSchema) jsonSchema.not = { enum: [...RESERVED_EVENT_NAMES] };
    },
  }) as unknown as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  schemas.RoomName!.description = `A room name: ${ROOM_NAME_RULE}.`;
  schemas.EventName!.description = "An event name: 1 to 64 characters, no control characters, not one Socket.IO reserves.";
  for (const { body } of operations) {
    if (!body) continue;
    for (const name of body.shapes ? Object.keys(body.shapes) : [body.name]) describeProperties(schemas[name]!, options.maxPayloadBytes);
    if (body.shapes) schemas[body.name]!.description = `One of: ${Object.keys(body.shapes).map((name) => `\`${name}\``).join(", ")}.`;
  }

  const paths: OpenApiDocument["paths"] = {};
  for (const operation of operations) {
    (paths[openApiPath(operation.path)] ??= {})[operation.method] = describeOperation(operation);
  }

  // A copy: the components and examples are shared constants.
  return structuredClone({
    openapi: "3.1.0",
    info: { title: "socket-server publish API", version: "1", description: describeApi(options) },
    tags: TAGS.filter((tag) => operations.some((operation) => operation.tag === tag.name)),
    security: [{ bearerAuth: [] }],
    paths,
    components: { schemas, ...COMPONENTS },
  } satisfies OpenApiDocument);
}

function errorCodesUsed(operations: readonly PublishApiOperation[]): ErrorCode[] {
  const used = new Set(operations.flatMap((operation) => Object.keys(operation.errors) as ErrorCode[]));
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => used.has(code));
}

function describeOperation(operation: PublishApiOperation): OpenApiOperation {
  const parameters: Array<Record<string, unknown>> = [];
  for (const name of operation.path.match(/:\w+/g) ?? []) {
    const param = operation.pathParams?.[name.slice(1)];
    if (!param) throw new Error(`${operation.operationId}: describe the path parameter ${name}`);
    const schema = param.schema ? schemaRef(param.schema) : { type: "string" };
    parameters.push({ name: name.slice(1), in: "path", required: true, description: param.description, schema, example: param.example });
  }
  // verifySignature checks POSTs only.
  if (operation.method === "post") parameters.push({ $ref: "#/components/parameters/SignatureTimestamp" }, { $ref: "#/components/parameters/Signature" });

  const requestId = { "X-Request-Id": { $ref: "#/components/headers/RequestId" } };
  const responses: Record<string, OpenApiResponse> = {};
  for (const { status, name, description, examples } of operation.success) {
    responses[status] = { description, headers: requestId, content: { "application/json": { schema: schemaRef(name), examples } } };
  }
  const errors = Object.entries(operation.errors) as Array<[ErrorCode, Refusal]>;
  errors.sort(([a], [b]) => ERROR_STATUS[a] - ERROR_STATUS[b]);
  for (const [code, { description, example = ERROR_EXAMPLES[code] }] of errors) {
    const retry = code === "rate_limited" || code === "unavailable";
    responses[ERROR_STATUS[code]] = {
      description: `\`${code}\`: ${description}`,
      headers: retry ? { "Retry-After": { $ref: "#/components/headers/RetryAfter" }, ...requestId } : requestId,
      content: { "application/json": { schema: schemaRef(errorSchemaName(code)), examples: { [code]: example } } },
    };
  }

  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    parameters,
    ...(operation.body
      ? { requestBody: { required: true, content: { "application/json": { schema: schemaRef(operation.body.name), examples: operation.body.examples } } } }
      : {}),
    responses,
  };
}

/** Adds what the schema cannot say to each property of a request body. */
function describeProperties(schema: JsonSchema, maxPayloadBytes: number): void {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, property] of Object.entries(properties)) {
    const description = PROPERTY_DESCRIPTIONS[name];
    if (description) property.description = description.replace("{maxPayloadBytes}", String(maxPayloadBytes)).replace("{maxDepth}", String(MAX_DATA_DEPTH));
  }
  if (properties.room && properties.rooms) schema.description = "Exactly one of `room` or `rooms`.";
}

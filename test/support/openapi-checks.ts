import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { OpenApiDocument } from "@socket-server/shared/publish-http";

type Method = "get" | "post";

/** What the OpenAPI 3.1 meta-schema finds wrong with `document`; empty when valid. */
export async function openApiProblems(document: unknown): Promise<unknown[]> {
  const validator = new Validator();
  // A copy: the validator may annotate what it is given.
  const result = await validator.validate(structuredClone(document) as Record<string, unknown>);
  if (result.valid && validator.version !== "3.1") return [`validated as OpenAPI ${validator.version}, not 3.1`];
  return result.valid ? [] : ((result.errors as unknown[] | undefined) ?? ["invalid"]);
}

/** `/v1/notifications/job-1` → the document's `/v1/notifications/{jobId}`, or undefined. */
export function documentedPath(document: OpenApiDocument, requestPath: string): string | undefined {
  const pathname = requestPath.split("?")[0]!;
  return Object.keys(document.paths).find((template) => {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, "[^/]+")}$`);
    return pattern.test(pathname);
  });
}

/**
 * Checks answers and bodies against the document with Ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1), resolving the document's `#/components/...` references.
 */
export function createDocumentChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addKeyword("components");
  const base = "https://socket-server.test/openapi.json";
  ajv.addSchema({ $id: base, components: document.components });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const validate = (ref: string, value: unknown): string | undefined => {
    let check = compiled.get(ref);
    if (!check) compiled.set(ref, (check = ajv.compile({ $ref: `${base}${ref}` })));
    return check(value) ? undefined : ajv.errorsText(check.errors);
  };
  const operation = (method: Method, path: string) => {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return found;
  };

  return {
    /** The statuses the document lists for a route, in order. */
    statuses: (method: Method, path: string): number[] => Object.keys(operation(method, path).responses).map(Number),
    /** Why `body` is not what the document promises for that answer, or why the answer is not documented at all. */
    responseProblem(method: Method, path: string, status: number, body: unknown, headers?: Headers): string | undefined {
      const response = operation(method, path).responses[status];
      if (!response) return `${method.toUpperCase()} ${path} answered ${status}, which the document does not list`;
      const required = Object.entries(response.headers)
        .filter(([, { $ref }]) => document.components.headers[$ref.split("/").pop()!]?.required === true)
        .map(([name]) => name);
      const missing = headers ? required.filter((name) => headers.get(name) === null) : [];
      if (missing.length > 0) return `${status} without ${missing.join(", ")}`;
      const problem = validate(response.content["application/json"].schema.$ref, body);
      return problem && `${status} body ${JSON.stringify(body).slice(0, 300)}: ${problem}`;
    },
    /** Why the document's request schema refuses `body`, or undefined when it accepts it. */
    requestProblem(method: Method, path: string, body: unknown): string | undefined {
      const requestBody = operation(method, path).requestBody;
      if (!requestBody) throw new Error(`${method.toUpperCase()} ${path} documents no body`);
      return validate(requestBody.content["application/json"].schema.$ref, body);
    },
    /** Validates any value against a component schema by name. */
    schemaProblem: (name: string, value: unknown) => validate(`#/components/schemas/${name}`, value),
  };
}

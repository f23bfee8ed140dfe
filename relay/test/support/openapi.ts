// docs/relay-openapi.yaml as a test oracle: its operations, and a check that a real answer has a
// status the document gives for that operation and a body its schema for that status accepts.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";

const DOC_PATH = fileURLToPath(new URL("../../../docs/relay-openapi.yaml", import.meta.url));
const DOC_ID = "relay-openapi";
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

interface ResponseDoc {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { schema?: unknown }>;
}
interface ParameterDoc {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: { $ref?: string; pattern?: string; minLength?: number; maxLength?: number };
}
interface OperationDoc {
  parameters?: ParameterDoc[];
  responses: Record<string, ResponseDoc>;
}

/** A documented parameter, with its schema resolved and a check of a value against it. */
export interface Parameter {
  name: string;
  in: ParameterDoc["in"];
  required: boolean;
  schema: { pattern?: string; minLength?: number; maxLength?: number; description?: string };
  /** Whether the parameter's schema allows `value`. */
  allows(value: string): boolean;
}
type PathDoc = Partial<Record<(typeof METHODS)[number], OperationDoc>>;
export interface OpenApiDoc {
  paths: Record<string, PathDoc>;
  components: { schemas: Record<string, unknown>; responses: Record<string, ResponseDoc> };
}

/** An answer as a test saw it: status, headers (lowercase names) and the body (JSON parsed, or text). */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** JSON-pointer escaping of one reference token (RFC 6901). */
const token = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

export class OpenApiOracle {
  readonly doc: OpenApiDoc;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(path = DOC_PATH) {
    this.doc = parse(readFileSync(path, "utf8")) as OpenApiDoc;
    // The whole document is one schema resource, so that every "#/components/..." resolves in it;
    // not strict: its non-schema members (paths, summaries) are not JSON Schema keywords.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, formats: { binary: true } });
    this.ajv.addSchema({ ...this.doc, $id: DOC_ID });
  }

  /** Every documented operation as "METHOD /path/{param}". */
  operations(): string[] {
    return Object.entries(this.doc.paths).flatMap(([path, ops]) => METHODS.filter((m) => ops[m]).map((m) => `${m.toUpperCase()} ${path}`));
  }

  /** The parameters of `operation`, each schema resolved ($ref into components) and compiled. */
  parameters(operation: string): Parameter[] {
    const { path, method, op } = this.operation(operation);
    return (op?.parameters ?? []).map((p, i) => {
      const ref = p.schema?.$ref;
      const schema = (ref ? this.doc.components.schemas[ref.split("/").pop() as string] : p.schema) as Parameter["schema"];
      const validate = this.validator(`${DOC_ID}#/paths/${token(path)}/${method}/parameters/${i}/schema`);
      return { name: p.name, in: p.in, required: p.required ?? false, schema, allows: (v: string) => validate(v) };
    });
  }

  /**
   * What is wrong with `answer` as the document's answer to `operation` ("GET /blocks/{height}"):
   * nothing (an empty list) when its status is documented for it (or under `default`) and its
   * body matches that response's schema, and its documented headers are there.
   */
  problems(operation: string, answer: Answer): string[] {
    const { path, method, op } = this.operation(operation);
    if (!op) return [`${operation} is not documented`];
    const status = String(answer.status);
    const key = op.responses[status] ? status : op.responses.default ? "default" : undefined;
    if (!key) return [`${operation} answered ${status}, which the document does not give (${Object.keys(op.responses).join(", ")})`];
    let pointer = `/paths/${token(path)}/${method}/responses/${key}`;
    let response = op.responses[key] as ResponseDoc;
    if (response.$ref) {
      pointer = response.$ref.slice(1);
      response = this.doc.components.responses[response.$ref.split("/").pop() as string] as ResponseDoc;
    }
    const out: string[] = [];
    for (const name of Object.keys(response.headers ?? {}))
      if (answer.headers.get(name) === null) out.push(`${operation} ${status}: header ${name} missing`);
    const types = Object.keys(response.content ?? {});
    if (types.length === 0) return out;
    const contentType = answer.headers.get("content-type") ?? "";
    const type = types.find((t) => contentType.startsWith(t));
    if (!type) return [...out, `${operation} ${status}: content-type ${contentType}, documented ${types.join(", ")}`];
    const validate = this.validator(`${DOC_ID}#${pointer}/content/${token(type)}/schema`);
    if (!validate(answer.body))
      out.push(
        `${operation} ${status}: ${this.ajv.errorsText(validate.errors, { dataVar: "body" })} in ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    return out;
  }

  /** "GET /blocks/{height}" as its path, its method as the document keys it, and what the document says of it. */
  private operation(operation: string) {
    const [upper, path] = operation.split(" ") as [string, string];
    const method = upper.toLowerCase() as (typeof METHODS)[number];
    return { path, method, op: this.doc.paths[path]?.[method] };
  }

  private validator(ref: string): ValidateFunction {
    let v = this.compiled.get(ref);
    if (!v) {
      v = this.ajv.getSchema(ref);
      if (!v) throw new Error(`no schema at ${ref}`);
      this.compiled.set(ref, v);
    }
    return v;
  }
}

/** An HTTP answer read whole: JSON bodies parsed, anything else as text. */
export async function answerOf(r: Response): Promise<Answer> {
  const text = await r.text();
  const isJson = (r.headers.get("content-type") ?? "").startsWith("application/json");
  return { status: r.status, headers: r.headers, body: isJson ? JSON.parse(text) : text };
}

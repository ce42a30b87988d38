import { ApiError, UnreachableError } from "./errors.ts";

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/**
 * JSON over fetch with the marketplace's conventions: Bearer auth, problem+json errors as `ApiError` (status,
 * title, detail and every extra field), an unreachable service as `UnreachableError`.
 */
export class JsonHttp {
  constructor(
    readonly baseUrl: string,
    readonly what: string,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.raw(method, path, options);
    const text = await response.text();
    const body = text.length > 0 ? parseJson(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, problemOf(body, text), `${method} ${path}`);
    return body as T;
  }

  /** The response itself (for streams such as container logs); errors are still thrown as `ApiError`. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const response = await this.raw(method, path, options);
    if (!response.ok) {
      const text = await response.text();
      throw new ApiError(response.status, problemOf(parseJson(text), text), `${method} ${path}`);
    }
    return response;
  }

  private async raw(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(path, this.baseUrl).toString();
    try {
      return await fetch(url, {
        method,
        headers: {
          accept: "application/json, application/problem+json, text/plain",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
      });
    } catch (error) {
      throw new UnreachableError(this.what, this.baseUrl, error);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function problemOf(body: unknown, text: string): Record<string, unknown> {
  if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  return { title: text.slice(0, 300) || "No details" };
}

import type { RouteInfo } from "../../http/route.ts";
import type { FuzzReply } from "./send.ts";

/** Why a reply is wrong, or undefined when it is an acceptable answer (2xx as declared, or a good 4xx problem). */
export function violationOf(route: RouteInfo, reply: FuzzReply): string | undefined {
  if (reply.status === 0) return `no answer: ${reply.body.slice(0, 200)}`;
  if (reply.status >= 400 && reply.status < 500) return problemViolation(reply);
  if (reply.status >= 200 && reply.status < 300) return successViolation(route, reply);
  return undefined;
}

/** A 4xx must be problem+json whose `detail` tells the caller what is wrong, and whose `status` is the reply's. */
function problemViolation(reply: FuzzReply): string | undefined {
  if (!reply.contentType.startsWith("application/problem+json"))
    return `${reply.status} is ${reply.contentType || "untyped"}, not application/problem+json`;
  if (reply.truncated) return `${reply.status} problem is over 64 KB: it echoes the request back`;
  const body = parse(reply.body);
  if (!body || typeof body !== "object") return `${reply.status} problem is not a JSON object`;
  const { detail, status, type } = body as Record<string, unknown>;
  if (status !== reply.status) return `problem status ${String(status)} differs from ${reply.status}`;
  if (typeof type !== "string" || !type.startsWith("urn:gpuc:problem:"))
    return "problem has no urn:gpuc type";
  // A detail shorter than a sentence ("Bad Request", "error") does not say what is wrong.
  if (typeof detail !== "string" || detail.trim().length < 16)
    return `problem detail too vague: ${String(detail)}`;
  return undefined;
}

/** A JSON 2xx must match the route's declared response schema: the OpenAPI document promises it. */
function successViolation(route: RouteInfo, reply: FuzzReply): string | undefined {
  if (route.contentType || reply.status === 204) return undefined;
  // A success body cut at 64 KB (the OpenAPI document outgrew it) cannot be parsed; only a problem's size is a finding.
  if (reply.truncated) return undefined;
  const result = route.response.safeParse(parse(reply.body));
  if (result.success) return undefined;
  return `${reply.status} body does not match the response schema: ${result.error.issues[0]?.message}`;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import {
  EcsApiError,
  ForbiddenError,
  InvalidResponseError,
  KeyNotFoundError,
  NotFoundError,
  ServerNotFoundError,
  ServiceError,
  ThrottledError,
  UnauthorizedError,
} from "./errors";
import { MetadataKeyContext, RawResponse, readAllMetadataResponse, readErrorResponse, readMetadataKeyResponse } from "./responses";

const context: MetadataKeyContext = {
  request: { method: "GET", path: "/v2.1/p/servers/s/metadata/role", endpoint: "https://ecs.example.test" },
  target: { apiVersion: "v2.1", projectId: "0123456789abcdef0123456789abcdef", serverId: "5b5c1e1e-1111-2222-3333-444455556666", key: "role" },
  accessKey: "HPUAEXAMPLEAK0000000",
};

function response(status: number, body: string, headers: Record<string, string> = {}): RawResponse {
  return { status, body, headers: { "x-request-id": "req-123", "content-type": "application/json", ...headers } };
}

function errorOf(raw: RawResponse): Error {
  try {
    readMetadataKeyResponse(raw, context);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected readMetadataKeyResponse to throw");
}

describe("readMetadataKeyResponse on 200", () => {
  it("returns the value of the requested key", () => {
    expect(readMetadataKeyResponse(response(200, '{"meta": {"role": "web"}}'), context)).toBe("web");
  });

  it("returns an empty string value", () => {
    expect(readMetadataKeyResponse(response(200, '{"meta": {"role": ""}}'), context)).toBe("");
  });

  it.each([
    ["a non-JSON body", "<html>ok</html>"],
    ["a truncated body", '{"meta": {"role": "we'],
    ["a missing meta", '{"metadata": {"role": "web"}}'],
    ["a null meta", '{"meta": null}'],
    ["an array meta", '{"meta": ["web"]}'],
    ["another key", '{"meta": {"Role": "web"}}'],
    ["two keys", '{"meta": {"role": "web", "tier": "db"}}'],
    ["no key", '{"meta": {}}'],
    ["a number value", '{"meta": {"role": 5}}'],
    ["a null value", '{"meta": {"role": null}}'],
    ["an object value", '{"meta": {"role": {"x": "web"}}}'],
    ["an array body", "[]"],
    ["an empty body", ""],
  ])("rejects %s as an invalid response", (_case, body) => {
    expect(errorOf(response(200, body))).toBeInstanceOf(InvalidResponseError);
  });

  it("names the request id of an invalid response", () => {
    expect(errorOf(response(200, "<html/>")).message).toContain("req-123");
  });
});

describe("readMetadataKeyResponse on errors", () => {
  it.each([
    [404, '{"itemNotFound": {"message": "Metadata item was not found", "code": 404}}', KeyNotFoundError],
    [404, '{"itemNotFound": {"message": "Instance 5b5c1e1e-1111-2222-3333-444455556666 could not be found.", "code": 404}}', ServerNotFoundError],
    [404, '{"error": {"message": "Instance[x] could not be found.", "code": "Ecs.0114"}}', ServerNotFoundError],
    [404, '{"error_code": "APIGW.0101", "error_msg": "The API does not exist", "request_id": "r"}', NotFoundError],
    [401, '{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "r"}', UnauthorizedError],
    [403, '{"forbidden": {"message": "Policy does not allow", "code": 403}}', ForbiddenError],
    [429, '{"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached", "request_id": "r"}', ThrottledError],
    [502, "<html><body>Bad Gateway</body></html>", ServiceError],
    [409, '{"conflict": {"message": "busy", "code": 409}}', EcsApiError],
  ])("maps status %i to the right error class", (status, body, errorClass) => {
    expect(errorOf(response(status, body))).toBeInstanceOf(errorClass);
  });

  it("names the server and key of a missing key", () => {
    const message = errorOf(response(404, '{"itemNotFound": {"message": "Metadata item was not found", "code": 404}}')).message;
    expect(message).toContain('5b5c1e1e-1111-2222-3333-444455556666 has no metadata key "role"');
  });

  it("names the access key id on 401", () => {
    expect(errorOf(response(401, '{"error_code": "APIGW.0301", "error_msg": "x", "request_id": "r"}')).message).toContain("HPUAEXAMPLEAK0000000");
  });

  it("names the status, error code and request id of other errors", () => {
    const message = errorOf(response(409, '{"conflict": {"message": "busy", "code": 409}}')).message;
    expect(message).toContain("status 409");
    expect(message).toContain("error code conflict");
    expect(message).toContain("request id req-123");
  });

  it("keeps the path with the key in the message", () => {
    expect(errorOf(response(500, "{}")).message).toContain("GET https://ecs.example.test/v2.1/p/servers/s/metadata/role");
  });
});

describe("readErrorResponse", () => {
  it("reads the API gateway shape", () => {
    const facts = readErrorResponse({ status: 429, headers: {}, body: '{"error_code": "APIGW.0308", "error_msg": "throttled", "request_id": "gw-1"}' });
    expect(facts).toEqual({ status: 429, errorCode: "APIGW.0308", errorMessage: "throttled", requestId: "gw-1" });
  });

  it("reads the native ECS shape", () => {
    const facts = readErrorResponse({ status: 404, headers: {}, body: '{"error": {"message": "gone", "code": "Ecs.0114"}}' });
    expect(facts.errorCode).toBe("Ecs.0114");
  });

  it("reads the Nova shape", () => {
    const facts = readErrorResponse({ status: 400, headers: {}, body: '{"badRequest": {"message": "bad key", "code": 400}}' });
    expect(facts.errorMessage).toBe("bad key");
  });

  it("prefers the X-Request-Id header over the body", () => {
    const facts = readErrorResponse({ status: 429, headers: { "x-request-id": "hdr" }, body: '{"error_code": "A", "request_id": "body"}' });
    expect(facts.requestId).toBe("hdr");
  });

  it("describes a non-JSON body by type and size", () => {
    const facts = readErrorResponse({ status: 502, headers: { "content-type": "text/html" }, body: "<html></html>" });
    expect(facts.errorMessage).toBe("non-JSON body: text/html, 13 bytes");
  });
});

describe("readMetadataKeyResponse body checks", () => {
  it("rejects a byte order mark", () => {
    expect(errorOf(response(200, '\ufeff{"meta": {"role": "web"}}')).message).toContain("byte order mark");
  });

  it("rejects a key named twice", () => {
    expect(errorOf(response(200, '{"meta": {"role": "db", "role": "web"}}')).message).toContain('names the key "role" more than once');
  });

  it("rejects a body the transport marked as invalid UTF-8", () => {
    expect(errorOf({ ...response(200, '{"meta": {"role": "w\ufffd"}}'), bodyProblem: "the body is not valid UTF-8" })).toBeInstanceOf(InvalidResponseError);
  });

  it("keeps the value out of the message of a wrong type", () => {
    expect(errorOf(response(200, '{"meta": {"role": 123456789}}')).message).not.toContain("123456789");
  });
});

describe("readAllMetadataResponse", () => {
  const allContext = { request: context.request, target: { apiVersion: "v2.1" as const, projectId: context.target.projectId, serverId: context.target.serverId } };

  function allErrorOf(raw: RawResponse): Error {
    try {
      readAllMetadataResponse(raw, allContext);
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected readAllMetadataResponse to throw");
  }

  it("returns every pair", () => {
    expect({ ...readAllMetadataResponse(response(200, '{"metadata": {"role": "web", "tier": "db"}}'), allContext) }).toEqual({ role: "web", tier: "db" });
  });

  it("keeps __proto__ as an ordinary key", () => {
    const pairs = readAllMetadataResponse(response(200, '{"metadata": {"__proto__": "x"}}'), allContext);
    expect(Object.keys(pairs)).toEqual(["__proto__"]);
  });

  it.each([
    ["a meta body", '{"meta": {"role": "web"}}'],
    ["a number value", '{"metadata": {"role": 1}}'],
    ["a duplicate key", '{"metadata": {"role": "a", "role": "b"}}'],
    ["an array", '{"metadata": []}'],
  ])("rejects %s", (_case, body) => {
    expect(allErrorOf(response(200, body))).toBeInstanceOf(InvalidResponseError);
  });

  it("maps a 404 of a missing server", () => {
    expect(allErrorOf(response(404, '{"itemNotFound": {"message": "Instance x could not be found.", "code": 404}}'))).toBeInstanceOf(ServerNotFoundError);
  });
});

describe("error text from a response", () => {
  it("escapes control characters in the error code and message", () => {
    const facts = readErrorResponse({ status: 400, headers: {}, body: JSON.stringify({ error_code: "A\u001b[2J", error_msg: "line\nOK forged" }) });
    expect(facts.errorCode).toBe("A\\u001b[2J");
    expect(facts.errorMessage).toBe("line\\u000aOK forged");
  });

  it("cuts a long error code", () => {
    const facts = readErrorResponse({ status: 400, headers: {}, body: JSON.stringify({ error_code: "X".repeat(50_000) }) });
    expect(facts.errorCode?.length).toBeLessThan(110);
  });
});

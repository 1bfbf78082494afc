import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import type { ICredential } from "@huaweicloud/huaweicloud-sdk-core/auth/ICredential";
import fc from "fast-check";

import { formatAuthorizationHeader } from "./authorizationHeader";
import { getPayloadHash } from "./payloadHash";
import { formatSdkDate } from "./sdkDate";
import { buildCanonicalRequest, buildStringToSign, computeSignature } from "./signature";
import { signRequest } from "./signRequest";

// Compares signRequest with AKSKSigner from @huaweicloud/huaweicloud-sdk-core 3.1.211, the official
// Node.js SDK signer, on randomized requests, and pins the inputs on which the two are known to differ.

/** Request given to both signers, with the query kept as decoded name/value pairs in wire order. */
interface SigningCase {
  readonly method: string;
  /** Scheme, host and optional port, such as `https://ecs.example.com:8443`. */
  readonly origin: string;
  /** Path as sent on the wire. */
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body, sent as `JSON.stringify(jsonBody)`. Absent for a request without a body. */
  readonly jsonBody?: object;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken?: string;
  readonly now: Date;
}

/** Builds the URL as sent, with query names and values percent-encoded (a space as `%20`, never `+`). */
function buildUrl(request: SigningCase): URL {
  const query = request.query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
  return new URL(request.origin + request.path + (query === "" ? "" : "?" + query));
}

function signWithOurs(request: SigningCase): string {
  const headers = signRequest(
    {
      method: request.method,
      url: buildUrl(request),
      headers: request.headers,
      body: request.jsonBody === undefined ? undefined : JSON.stringify(request.jsonBody),
    },
    { accessKey: request.accessKey, secretKey: request.secretKey, securityToken: request.securityToken },
    { now: request.now },
  );
  return headers.Authorization;
}

/** Groups the query pairs the way AKSKSigner takes them, a single value as a string and repeated values as an array. */
function groupQueryParams(query: SigningCase["query"]): Record<string, string | string[]> {
  const valuesByName = new Map<string, string[]>();
  for (const [name, value] of query) {
    valuesByName.set(name, [...(valuesByName.get(name) ?? []), value]);
  }
  return Object.fromEntries([...valuesByName].map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

function signWithSdk(request: SigningCase, data: unknown = request.jsonBody): string {
  // The endpoint comes from the parsed URL, so a default port (`:443` on https) is dropped for both
  // signers. AKSKSigner given `https://host:443` as typed would sign `host:443`.
  const url = buildUrl(request);
  const headers: Record<string, string> = { ...request.headers, "X-Sdk-Date": formatSdkDate(request.now) };
  if (request.securityToken !== undefined) {
    headers["X-Security-Token"] = request.securityToken;
  }

  // AKSKSigner.sign reads only getAk and getSk of the credential.
  const credential = { getAk: () => request.accessKey, getSk: () => request.secretKey } as Partial<ICredential>;
  const signedHeaders = AKSKSigner.sign(
    {
      method: request.method,
      endpoint: url.origin + url.pathname,
      headers,
      queryParams: groupQueryParams(request.query),
      data,
    },
    credential as ICredential,
  ) as Record<string, string>;
  return signedHeaders.Authorization;
}

const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
const HEX_DIGITS = "0123456789abcdef";

const projectId = fc.string({ unit: fc.constantFrom(...HEX_DIGITS), minLength: 32, maxLength: 32 });

// Path segments use only characters that reach both signers unencoded. AKSKSigner encodes the `%` of
// an already percent-encoded segment again (`a%3Ab` signs as `a%253Ab`), and its URL parser escapes a
// space or `'` first, so a space signs as `%2520`. Our signer decodes each segment once before encoding
// it and signs a space as `%20`, as the signing guide does. "." and ".." are left out because the URL
// parser removes them.
const pathSegment = fc
  .string({ unit: fc.constantFrom(...UNRESERVED), minLength: 1, maxLength: 12 })
  .filter((segment) => segment !== "." && segment !== "..");

// A metadata key may also contain a raw ":", which both signers encode as %3A.
const metadataKey = fc
  .string({
    unit: fc.oneof({ arbitrary: fc.constantFrom(...UNRESERVED), weight: 4 }, { arbitrary: fc.constant(":"), weight: 1 }),
    minLength: 1,
    maxLength: 24,
  })
  .filter((key) => key !== "." && key !== "..");

const genericPath = fc
  .record({ segments: fc.array(pathSegment, { maxLength: 6 }), trailingSlash: fc.boolean() })
  .map(({ segments, trailingSlash }) => "/" + segments.join("/") + (trailingSlash && segments.length > 0 ? "/" : ""));

const metadataPath = fc
  .record({
    version: fc.constantFrom("v1", "v2", "v2.1"),
    projectId,
    serverId: fc.uuid(),
    key: metadataKey,
  })
  .map(({ version, projectId, serverId, key }) => `/${version}/${projectId}/servers/${serverId}/metadata/${key}`);

const origin = fc
  .record({
    scheme: fc.constantFrom("https", "http"),
    host: fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((address) => `[${address}]`)),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  })
  .map(({ scheme, host, port }) => `${scheme}://${host}${port === undefined ? "" : ":" + port}`);

// Query names and values may hold any printable ASCII character and, once, any grapheme: both signers
// sort the decoded names and values before encoding them.
const queryCharacter = fc.constantFrom(...UNRESERVED, ..." !\"#$%&'()*+,/:;=?@[]{}|\\^`<>");
const repeatedQueryValue = fc.string({ unit: queryCharacter, maxLength: 10 });
const anyQueryValue = fc.string({
  unit: fc.oneof(queryCharacter, fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })),
  maxLength: 12,
});

const queryParameter = fc.record({
  name: fc.string({ unit: queryCharacter, minLength: 1, maxLength: 10 }),
  values: fc.oneof(
    anyQueryValue.map((value) => [value]),
    fc.array(repeatedQueryValue, { minLength: 2, maxLength: 3 }),
  ),
});

const query = fc
  .uniqueArray(queryParameter, { selector: (parameter) => parameter.name, maxLength: 5 })
  .map((parameters) => parameters.flatMap(({ name, values }) => values.map((value) => [name, value] as const)))
  .chain((pairs) => fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }));

// Header values have no leading or trailing whitespace, because AKSKSigner signs a value untrimmed.
const printableAscii = fc.constantFrom(..." !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", ...UNRESERVED);
const headerValue = fc
  .string({ unit: printableAscii, minLength: 1, maxLength: 40 })
  .filter((value) => value === value.trim());

const customHeaderName = fc
  .stringMatching(/^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8}){0,2}$/)
  .map((suffix) => "X-Test-" + suffix);

const headers = fc
  .record({
    contentType: fc.option(fc.constantFrom("application/json", "application/json;charset=UTF-8", "text/plain"), {
      nil: undefined,
    }),
    projectId: fc.option(projectId, { nil: undefined }),
    custom: fc.uniqueArray(fc.tuple(customHeaderName, headerValue), {
      selector: ([name]) => name.toLowerCase(),
      maxLength: 3,
    }),
  })
  .map(({ contentType, projectId, custom }) => {
    const result: Record<string, string> = Object.fromEntries(custom);
    if (contentType !== undefined) {
      result["Content-Type"] = contentType;
    }
    if (projectId !== undefined) {
      result["X-Project-Id"] = projectId;
    }
    return result;
  });

// Bodies are objects or arrays, because AKSKSigner hashes the empty string for a falsy body (0, false,
// null, "") and hashes a string body with the quotes that JSON.stringify adds.
const jsonBody = fc.oneof(
  fc.dictionary(fc.string({ unit: "grapheme" }), fc.jsonValue({ maxDepth: 2, stringUnit: "grapheme" }), { maxKeys: 4 }),
  fc.array(fc.jsonValue({ maxDepth: 2, stringUnit: "grapheme" }), { maxLength: 4 }),
);

const signingCase: fc.Arbitrary<SigningCase> = fc.record(
  {
    method: fc.constantFrom("GET", "PUT", "POST", "DELETE"),
    origin,
    path: fc.oneof(genericPath, metadataPath),
    query,
    headers,
    jsonBody,
    accessKey: fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 1, maxLength: 40 }),
    secretKey: fc.string({ unit: "grapheme", minLength: 1, maxLength: 64 }),
    securityToken: fc.base64String({ minLength: 4, maxLength: 200 }),
    now: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }),
  },
  { requiredKeys: ["method", "origin", "path", "query", "headers", "accessKey", "secretKey", "now"] },
);

describe("signRequest compared with the official SDK signer", () => {
  it("matches AKSKSigner on randomized requests", () => {
    fc.assert(
      fc.property(signingCase, (request) => {
        expect(signWithOurs(request)).toBe(signWithSdk(request));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("known disagreements with AKSKSigner", () => {
  const baseRequest: SigningCase = {
    method: "GET",
    origin: "https://ecs.example.com",
    path: "/v2.1/servers",
    query: [],
    headers: {},
    accessKey: "AKEXAMPLE",
    secretKey: "SKEXAMPLE",
    now: new Date("2024-01-02T03:04:05Z"),
  };

  /**
   * Computes the `Authorization` header of `baseRequest` for canonical request parts written out by hand,
   * so that a matching header shows exactly what the signer signed.
   */
  function expectedAuthorization(parts: {
    method?: string;
    canonicalUri?: string;
    canonicalQuery?: string;
    canonicalHeaders?: string;
    signedHeaders?: string;
    payload?: string;
  }): string {
    const signedHeaders = parts.signedHeaders ?? "host;x-sdk-date";
    const canonicalRequest = buildCanonicalRequest({
      method: parts.method ?? "GET",
      canonicalUri: parts.canonicalUri ?? "/v2.1/servers/",
      canonicalQuery: parts.canonicalQuery ?? "",
      canonicalHeaders: parts.canonicalHeaders ?? "host:ecs.example.com\nx-sdk-date:20240102T030405Z\n",
      signedHeaders,
      payloadHash: getPayloadHash(parts.payload ?? ""),
    });
    const signature = computeSignature(baseRequest.secretKey, buildStringToSign(canonicalRequest, "20240102T030405Z"));
    return formatAuthorizationHeader({ accessKey: baseRequest.accessKey, signedHeaders, signature });
  }

  describe("path segment with a space", () => {
    const request: SigningCase = { ...baseRequest, path: "/v2.1/servers/a b" };

    it("signRequest signs the space as %20", () => {
      expect(signWithOurs(request)).toBe(expectedAuthorization({ canonicalUri: "/v2.1/servers/a%20b/" }));
    });

    it("AKSKSigner signs the space as %2520", () => {
      expect(signWithSdk(request)).toBe(expectedAuthorization({ canonicalUri: "/v2.1/servers/a%2520b/" }));
    });
  });

  describe("percent-encoded path segment", () => {
    const request: SigningCase = { ...baseRequest, path: "/v2.1/servers/a%3Ab" };

    it("signRequest signs the segment as sent", () => {
      expect(signWithOurs(request)).toBe(expectedAuthorization({ canonicalUri: "/v2.1/servers/a%3Ab/" }));
    });

    it("AKSKSigner encodes the segment again", () => {
      expect(signWithSdk(request)).toBe(expectedAuthorization({ canonicalUri: "/v2.1/servers/a%253Ab/" }));
    });
  });

  describe("string body", () => {
    const request: SigningCase = { ...baseRequest, method: "POST" };

    it("signRequest hashes the exact bytes", () => {
      const headers = signRequest(
        { method: request.method, url: buildUrl(request), body: "a=b" },
        { accessKey: request.accessKey, secretKey: request.secretKey },
        { now: request.now },
      );
      expect(headers.Authorization).toBe(expectedAuthorization({ method: "POST", payload: "a=b" }));
    });

    it("AKSKSigner hashes the body quoted", () => {
      expect(signWithSdk(request, "a=b")).toBe(expectedAuthorization({ method: "POST", payload: '"a=b"' }));
    });
  });

  describe("header value with surrounding spaces", () => {
    const request: SigningCase = { ...baseRequest, headers: { "X-Test-Padded": "  value  " } };
    const signedHeaders = "host;x-sdk-date;x-test-padded";

    it("signRequest signs the trimmed value", () => {
      const canonicalHeaders = "host:ecs.example.com\nx-sdk-date:20240102T030405Z\nx-test-padded:value\n";
      expect(signWithOurs(request)).toBe(expectedAuthorization({ canonicalHeaders, signedHeaders }));
    });

    it("AKSKSigner signs the value untrimmed", () => {
      const canonicalHeaders = "host:ecs.example.com\nx-sdk-date:20240102T030405Z\nx-test-padded:  value  \n";
      expect(signWithSdk(request)).toBe(expectedAuthorization({ canonicalHeaders, signedHeaders }));
    });
  });

  describe("query names whose raw and encoded orders differ", () => {
    const request: SigningCase = {
      ...baseRequest,
      query: [
        ["a:", "2"],
        ["a0", "1"],
      ],
    };

    it("signRequest sorts the raw names", () => {
      expect(signWithOurs(request)).toBe(expectedAuthorization({ canonicalQuery: "a0=1&a%3A=2" }));
    });

    it("AKSKSigner sorts the raw names", () => {
      expect(signWithSdk(request)).toBe(expectedAuthorization({ canonicalQuery: "a0=1&a%3A=2" }));
    });
  });
});

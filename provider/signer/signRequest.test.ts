import vectors from "../../test/fixtures/aksk-signing.json";
import { parseSdkDate } from "./sdkDate";
import { signRequest } from "./signRequest";

interface SigningVector {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | object;
  readonly ak: string;
  readonly sk: string;
  readonly date: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly authorization: string;
  readonly signHost: boolean;
}

function bodyOf(vector: SigningVector): string | undefined {
  if (vector.body === undefined) {
    return undefined;
  }
  return typeof vector.body === "string" ? vector.body : JSON.stringify(vector.body);
}

describe.each((vectors as SigningVector[]).map((vector) => [vector.name, vector] as const))("signing vector %s", (_name, vector) => {
  const headers = signRequest(
    { method: vector.method, url: new URL(vector.url), headers: vector.headers, body: bodyOf(vector) },
    { accessKey: vector.ak, secretKey: vector.sk, securityToken: vector.headers["X-Security-Token"] },
    { now: parseSdkDate(vector.date)!, signHost: vector.signHost },
  );

  it("produces the expected Authorization header", () => {
    expect(headers.Authorization).toBe(vector.authorization);
  });

  it("sends the signing time as X-Sdk-Date", () => {
    expect(headers["X-Sdk-Date"]).toBe(vector.date);
  });
});

import { createStackConfigSource } from "../settings/extendedSources";
import { findProxy, isLoopbackHost, resolveConnectionSettings, warnIfInsecure } from "./connection";

const PROXY_NAMES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const name of PROXY_NAMES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});

afterEach(() => {
  for (const name of PROXY_NAMES) {
    if (saved[name] === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = saved[name];
    }
  }
});

function settingsOf(config: Record<string, unknown>, files: Record<string, string> = {}) {
  return resolveConnectionSettings([createStackConfigSource((key) => config[key])], (path) => {
    const text = files[path];
    if (text === undefined) {
      throw Object.assign(new Error("missing"), { code: "ENOENT" });
    }
    return text;
  });
}

describe("findProxy", () => {
  it("takes HTTPS_PROXY for https URLs", () => {
    process.env.HTTPS_PROXY = "http://proxy.example.test:3128";
    expect(findProxy(new URL("https://ecs.cn-north-4.myhuaweicloud.com"))).toBe("http://proxy.example.test:3128");
  });

  it("takes HTTP_PROXY for http URLs", () => {
    process.env.HTTP_PROXY = "http://proxy.example.test:3128";
    expect(findProxy(new URL("http://ecs.example.test"))).toBe("http://proxy.example.test:3128");
  });

  it("honours NO_PROXY suffixes", () => {
    process.env.HTTPS_PROXY = "http://proxy.example.test:3128";
    process.env.NO_PROXY = ".myhuaweicloud.com";
    expect(findProxy(new URL("https://ecs.cn-north-4.myhuaweicloud.com"))).toBeUndefined();
  });

  it.each(["https://127.0.0.1:8443", "https://localhost", "https://[::1]:9000", "https://127.8.9.10"])("never proxies %s", (url) => {
    process.env.HTTPS_PROXY = "http://proxy.example.test:3128";
    expect(findProxy(new URL(url))).toBeUndefined();
  });

  it("connects directly without proxy variables", () => {
    expect(findProxy(new URL("https://ecs.cn-north-4.myhuaweicloud.com"))).toBeUndefined();
  });
});

describe("isLoopbackHost", () => {
  it("does not treat a public name as loopback", () => {
    expect(isLoopbackHost("127.example.test")).toBe(false);
  });
});

describe("resolveConnectionSettings", () => {
  it("verifies certificates by default", () => {
    expect(settingsOf({}).insecure).toBe(false);
  });

  it.each(["true", "1", "TRUE"])("reads insecure %j as true", (value) => {
    expect(settingsOf({ "huaweicloud:insecure": value }).insecure).toBe(true);
  });

  it("reads a CA bundle file", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    expect(settingsOf({ "huaweicloud:cacertFile": "/ca.pem" }, { "/ca.pem": pem }).caBundle).toBe(pem);
  });

  it("rejects a CA bundle that cannot be read", () => {
    expect(() => settingsOf({ "huaweicloud:cacertFile": "/missing.pem" })).toThrow("huaweicloud:cacertFile names the CA bundle /missing.pem, which cannot be read (ENOENT)");
  });

  it("rejects a CA bundle without a certificate", () => {
    expect(() => settingsOf({ "huaweicloud:cacertFile": "/key.pem" }, { "/key.pem": "-----BEGIN PRIVATE KEY-----" })).toThrow("contains no PEM certificate");
  });
});

describe("warnIfInsecure", () => {
  it("says nothing while verification is on", () => {
    const lines: string[] = [];
    warnIfInsecure({ insecure: false }, { warn: (line) => lines.push(line) });
    expect(lines).toEqual([]);
  });
});

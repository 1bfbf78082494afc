import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";

import type { HttpsProxyAgent } from "https-proxy-agent";
import { getProxyForUrl } from "proxy-from-env";

import { InvalidInputError } from "../client";
import { findExtendedSetting, type ExtendedSettingsSource } from "../settings/extendedSources";

/** Connection settings: TLS verification and extra trusted CAs. */
export interface ConnectionSettings {
  /** Skips TLS certificate verification; `false` unless `huaweicloud:insecure` or `HW_INSECURE` is true. */
  readonly insecure: boolean;
  /** Setting that turned verification off, such as `HW_INSECURE`, for the warning. */
  readonly insecureSetting?: string;
  /** PEM text of extra CA certificates, trusted beside Node's default ones (which include `NODE_EXTRA_CA_CERTS`). */
  readonly caBundle?: string;
}

/** Receiver of connection warnings; `pulumi.log.warn` inside Pulumi. */
export interface ConnectionLogger {
  warn(message: string): void;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

/**
 * Reads `insecure` and `cacertFile` from the first source that sets each, and reads the CA bundle file.
 *
 * @throws {@link InvalidInputError} naming the setting for a value that is not a boolean, or a CA
 * file that cannot be read or contains no PEM certificate.
 */
export function resolveConnectionSettings(sources: readonly ExtendedSettingsSource[], readFile: (path: string) => string = (path) => readFileSync(path, "utf8")): ConnectionSettings {
  const insecure = findExtendedSetting(sources, "insecure");
  let insecureValue = false;
  if (insecure !== undefined) {
    const word = insecure.value.trim().toLowerCase();
    if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) {
      throw new InvalidInputError(insecure.name, `${insecure.name} "${insecure.value}" is not a boolean; set it to true or false.`);
    }
    insecureValue = TRUE_WORDS.has(word);
  }

  const cacertFile = findExtendedSetting(sources, "cacertFile");
  let caBundle: string | undefined;
  if (cacertFile !== undefined) {
    try {
      caBundle = readFile(cacertFile.value);
    } catch (error) {
      throw new InvalidInputError(
        cacertFile.name,
        `${cacertFile.name} names the CA bundle ${cacertFile.value}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}); give the path of a PEM file.`,
      );
    }
    if (!caBundle.includes("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidInputError(cacertFile.name, `${cacertFile.name} names ${cacertFile.value}, which contains no PEM certificate ("-----BEGIN CERTIFICATE-----").`);
    }
  }

  return {
    insecure: insecureValue,
    ...(insecureValue ? { insecureSetting: insecure?.name } : {}),
    ...(caBundle === undefined ? {} : { caBundle }),
  };
}

let insecureWarningGiven = false;

/**
 * Warns once per process that certificate verification is off, naming the setting. Call it before
 * the first request of a lookup.
 */
export function warnIfInsecure(settings: ConnectionSettings, logger: ConnectionLogger | undefined): void {
  if (!settings.insecure || insecureWarningGiven || logger === undefined) {
    return;
  }
  insecureWarningGiven = true;
  logger.warn(
    `TLS certificate verification is off because ${settings.insecureSetting ?? "insecure"} is true, so anyone on the network path can read and change ` +
      "the requests, signatures included. Trust the endpoint's CA with huaweicloud:cacertFile or NODE_EXTRA_CA_CERTS instead.",
  );
}

/** Returns whether a URL host is a loopback address, which is never sent through a proxy. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Returns the proxy URL a request to `url` goes through: from `HTTPS_PROXY`, `HTTP_PROXY`,
 * `ALL_PROXY` and `NO_PROXY` (upper or lower case) as `proxy-from-env` reads them from
 * `process.env`, and never one for a loopback host. Returns `undefined` for a direct connection.
 */
export function findProxy(url: URL): string | undefined {
  if (isLoopbackHost(url.hostname)) {
    return undefined;
  }
  const proxy = getProxyForUrl(url.href);
  return proxy === "" ? undefined : proxy;
}

const agents = new Map<string, http.Agent>();

/**
 * Returns the keep-alive agent for requests to `url` under these settings, creating it on first
 * use. A request through a proxy tunnels with `CONNECT` (https-proxy-agent), so the TLS session,
 * and its certificate check, is end to end between this process and the endpoint.
 */
export function getConnectionAgent(url: URL, settings: ConnectionSettings): http.Agent {
  const proxy = findProxy(url);
  const secure = url.protocol === "https:";
  const key = [url.protocol, url.host, proxy ?? "", settings.insecure, settings.caBundle === undefined ? "" : createHash("sha256").update(settings.caBundle).digest("hex")].join("|");

  let agent = agents.get(key);
  if (agent === undefined) {
    agent = createAgent(secure, proxy, settings);
    agents.set(key, agent);
  }
  return agent;
}

/** Closes every agent made by {@link getConnectionAgent}, so a process that is done can exit at once. */
export function destroyConnectionAgents(): void {
  for (const agent of agents.values()) {
    agent.destroy();
  }
  agents.clear();
}

type TlsProxyAgentClass = new (proxy: string, endpointTls: tls.ConnectionOptions) => http.Agent;

let tlsProxyAgentClass: TlsProxyAgentClass | undefined;

/**
 * Defines the proxy agent class on first use. https-proxy-agent is loaded only when a proxy is in
 * use, because it and its dependencies add several MB to every process that looks values up.
 */
function defineTlsProxyAgent(): TlsProxyAgentClass {
  const { HttpsProxyAgent: ProxyAgent } = require("https-proxy-agent") as { HttpsProxyAgent: typeof HttpsProxyAgent };

  /**
   * Proxy agent that applies the TLS options to the tunnelled connection. https-proxy-agent 7 passes
   * its constructor options only to the proxy connection, and the TLS connection to the endpoint
   * gets the request's options, which axios fills without `ca` or `rejectUnauthorized`.
   */
  class TlsProxyAgent extends ProxyAgent<string> {
    constructor(
      proxy: string,
      private readonly endpointTls: tls.ConnectionOptions,
    ) {
      super(proxy, { keepAlive: true });
    }

    override connect(request: http.ClientRequest, options: Parameters<HttpsProxyAgent<string>["connect"]>[1]): ReturnType<HttpsProxyAgent<string>["connect"]> {
      return super.connect(request, { ...options, ...this.endpointTls });
    }
  }
  return TlsProxyAgent;
}

function createAgent(secure: boolean, proxy: string | undefined, settings: ConnectionSettings): http.Agent {
  const tlsOptions: tls.ConnectionOptions = { rejectUnauthorized: !settings.insecure };
  if (settings.caBundle !== undefined) {
    // Setting `ca` replaces Node's trusted CAs, so the defaults (bundled and NODE_EXTRA_CA_CERTS) are kept beside the bundle.
    tlsOptions.ca = [...tls.getCACertificates("default"), settings.caBundle];
  }

  if (proxy !== undefined) {
    tlsProxyAgentClass ??= defineTlsProxyAgent();
    return new tlsProxyAgentClass(proxy, secure ? tlsOptions : {});
  }
  return secure ? new https.Agent({ keepAlive: true, ...tlsOptions }) : new http.Agent({ keepAlive: true });
}

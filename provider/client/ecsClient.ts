import axios, { AxiosError } from "axios";

import { AkSkCredentials, signRequest } from "../signer";
import { FailedRequest, NetworkError } from "./errors";
import { getKeepAliveAgent } from "./httpAgents";
import { readMetadataKeyResponse } from "./responses";
import { buildMetadataKeyUrl, MetadataKeyTarget } from "./urls";

/** Settings of an {@link EcsClient}. */
export interface EcsClientOptions {
  /** ECS endpoint, such as `https://ecs.cn-north-4.myhuaweicloud.com`. */
  readonly endpoint: string;
  /** AK/SK credentials that sign every request. */
  readonly credentials: AkSkCredentials;
  /** Time limit of one request in milliseconds; 30,000 unless set. */
  readonly timeoutMs?: number;
  /** Clock that dates signatures; the system clock unless set. */
  readonly now?: () => Date;
  /** `User-Agent` header value. */
  readonly userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Client of the ECS metadata API for one endpoint and one set of credentials. */
export class EcsClient {
  private readonly options: EcsClientOptions;

  constructor(options: EcsClientOptions) {
    this.options = options;
  }

  /**
   * Sends `GET /{version}/{project_id}/servers/{server_id}/metadata/{key}` and returns the value.
   * Raises an {@link EcsApiError} subclass for an error status, an {@link InvalidResponseError} for a
   * malformed `200`, and a {@link NetworkError} when no response arrives. Nothing is retried.
   */
  async getMetadataKey(target: MetadataKeyTarget): Promise<string> {
    const url = buildMetadataKeyUrl(this.options.endpoint, target);
    const request: FailedRequest = { method: "GET", path: url.pathname, endpoint: url.origin };

    const now = this.options.now ?? (() => new Date());
    const headers = signRequest(
      { method: "GET", url, headers: { Accept: "application/json" } },
      this.options.credentials,
      { now: now() },
    );
    if (this.options.userAgent) {
      headers["User-Agent"] = this.options.userAgent;
    }

    const response = await this.send(url, headers, request);
    return readMetadataKeyResponse(response, { request, target, accessKey: this.options.credentials.accessKey });
  }

  private async send(url: URL, headers: Record<string, string>, request: FailedRequest) {
    const agent = getKeepAliveAgent(url.origin);
    try {
      const response = await axios.request<string>({
        method: "GET",
        url: url.href,
        headers,
        timeout: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        responseType: "text",
        transformResponse: [(data: string) => data],
        validateStatus: () => true,
        maxRedirects: 0,
        maxContentLength: MAX_RESPONSE_BYTES,
        httpAgent: agent,
        httpsAgent: agent,
        // NOTE: proxy settings from the environment apply to non-loopback endpoints through axios's own rules.
        proxy: LOOPBACK_HOSTS.has(url.hostname) ? false : undefined,
      });
      return {
        status: response.status,
        headers: normalizeHeaders(response.headers as Record<string, unknown>),
        body: typeof response.data === "string" ? response.data : String(response.data ?? ""),
      };
    } catch (error) {
      throw toNetworkError(error, request);
    }
  }
}

function normalizeHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value == null ? undefined : String(value);
  }
  return result;
}

function toNetworkError(error: unknown, request: FailedRequest): NetworkError {
  if (error instanceof AxiosError) {
    const code = error.code;
    const detail = code === "ECONNABORTED" || code === "ETIMEDOUT" ? `timed out (${error.message})` : `${code ?? "error"}: ${error.message}`;
    return new NetworkError(request, code, detail);
  }
  return new NetworkError(request, undefined, error instanceof Error ? error.message : String(error));
}

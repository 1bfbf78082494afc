/** Response that a route returns and the server sends. */
export interface SimulatorResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Value to send as JSON; absent for a response without a body, such as 204. */
  readonly body?: unknown;
  /** Body text sent as is in place of `body`, for scripted fault responses such as an HTML page. */
  readonly rawBody?: string;
  /** Extra response headers, such as `Allow` on a 405. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Error message for the request log; set on every error response. */
  readonly errorMessage?: string;
}

/** Gateway error code of a failed AK/SK signature check, sent with 401. */
export const GATEWAY_AUTH_FAILED = "APIGW.0301";

/** Gateway error code of a path that matches no API, sent with 404. */
export const GATEWAY_API_NOT_FOUND = "APIGW.0101";

/**
 * Wrapper names of Nova error bodies by status code, as the `Fault` class of Nova's WSGI layer
 * names them (`nova/api/openstack/wsgi.py`), which uses `computeFault` for codes it does not list.
 *
 * NOTE: Nova names the 409 wrapper `conflictingRequest`; this simulator sends `conflict`, the name
 * this project's API notes give. A client should read whichever single key the body has.
 */
const NOVA_FAULT_NAMES: Readonly<Record<number, string>> = {
  400: "badRequest",
  403: "forbidden",
  404: "itemNotFound",
  405: "badMethod",
  409: "conflict",
  413: "overLimit",
  500: "computeFault",
};

/** Builds a 200 (or other success) response with a JSON body. */
export function jsonResponse(status: number, body: unknown): SimulatorResponse {
  return { status, body };
}

/**
 * Builds an error in the API gateway's shape, `{"error_code", "error_msg", "request_id"}`, which
 * the gateway in front of ECS returns for failed authentication and unknown paths.
 */
export function gatewayError(status: number, errorCode: string, message: string, requestId: string): SimulatorResponse {
  return {
    status,
    body: { error_code: errorCode, error_msg: message, request_id: requestId },
    errorMessage: `${errorCode} ${message}`,
  };
}

/**
 * Builds an error in Nova's shape, such as `{"itemNotFound": {"message": "...", "code": 404}}`.
 *
 * @throws Error for a status without a Nova fault name, which would be a bug in the simulator.
 */
export function novaError(status: number, message: string, headers?: Readonly<Record<string, string>>): SimulatorResponse {
  const faultName = NOVA_FAULT_NAMES[status];
  if (faultName === undefined) {
    throw new Error(`No Nova fault name for status ${status}; add it to NOVA_FAULT_NAMES.`);
  }

  const response = { status, body: { [faultName]: { message, code: status } }, errorMessage: message };
  return headers === undefined ? response : { ...response, headers };
}

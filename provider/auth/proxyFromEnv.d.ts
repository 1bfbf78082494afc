// Types of proxy-from-env 2, which ships none.
declare module "proxy-from-env" {
  /** Returns the proxy URL for a request URL from the `*_PROXY` and `NO_PROXY` variables, or `""` for none. */
  export function getProxyForUrl(url: string | URL): string;
}

import http from "node:http";
import https from "node:https";

const agentsByOrigin = new Map<string, http.Agent>();

/**
 * Returns the keep-alive agent of an endpoint's origin, creating it on first use. Agents live in the
 * process that sends the requests (the provider host or the program) and are never serialized.
 */
export function getKeepAliveAgent(origin: string): http.Agent {
  let agent = agentsByOrigin.get(origin);
  if (!agent) {
    agent = origin.startsWith("https:") ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    agentsByOrigin.set(origin, agent);
  }
  return agent;
}

/** Closes every keep-alive agent, so a process that is done with lookups can exit at once. */
export function destroyKeepAliveAgents(): void {
  for (const agent of agentsByOrigin.values()) {
    agent.destroy();
  }
  agentsByOrigin.clear();
}

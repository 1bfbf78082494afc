import type { SimulatorCredential, SimulatorData } from "./dataFile";
import type { ServerStatus } from "./metadataRules";

/** Mutable state of one server while the simulator runs. */
export interface ServerState {
  readonly id: string;
  readonly name: string;
  status: ServerStatus;
  /** Metadata pairs in insertion order; a `Map`, so a key such as `__proto__` is an ordinary key. */
  readonly metadata: Map<string, string>;
}

/**
 * In-memory copy of the simulator data that the routes read and write. Writes never reach the data
 * file, and the {@link SimulatorData} value given to the constructor is not changed either.
 */
export class MetadataStore {
  private readonly credentials = new Map<string, SimulatorCredential>();
  private readonly projects = new Map<string, Map<string, ServerState>>();

  constructor(data: SimulatorData) {
    for (const credential of data.credentials) {
      this.credentials.set(credential.accessKey, { ...credential });
    }

    for (const project of data.projects) {
      const servers = new Map<string, ServerState>();
      for (const server of project.servers) {
        servers.set(server.id, {
          id: server.id,
          name: server.name,
          status: server.status,
          metadata: new Map(Object.entries(server.metadata)),
        });
      }
      this.projects.set(project.id, servers);
    }
  }

  /** Returns the credential of an access key id, or `undefined` when the data file has none. */
  findCredential(accessKey: string): SimulatorCredential | undefined {
    return this.credentials.get(accessKey);
  }

  /** Returns whether the data file has a project with this id. */
  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  /** Returns the server with this id in the project, or `undefined` when either is unknown. */
  findServer(projectId: string, serverId: string): ServerState | undefined {
    return this.projects.get(projectId)?.get(serverId);
  }

  /**
   * Returns the server with this id in the project, for test helpers.
   *
   * @throws Error naming the project or server when it is not in the data.
   */
  getServer(projectId: string, serverId: string): ServerState {
    const servers = this.projects.get(projectId);
    if (servers === undefined) {
      throw new Error(`Project ${projectId} is not in the simulator data; add it to the data file.`);
    }

    const server = servers.get(serverId);
    if (server === undefined) {
      throw new Error(`Server ${serverId} is not in project ${projectId} of the simulator data; add it to the data file.`);
    }
    return server;
  }
}

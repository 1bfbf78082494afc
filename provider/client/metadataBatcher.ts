import { MetadataKeyTarget, ServerTarget } from "./urls";

/** Requests the batcher sends: the single-key `GET` and the all-keys `GET` of one server. */
export interface MetadataReader {
  getMetadataKey(target: MetadataKeyTarget): Promise<string>;
  getAllMetadata(target: ServerTarget): Promise<{ metadata: Record<string, string>; requestId?: string }>;
  /** Returns the error a single-key `GET` raises when the key is absent, for a key missing from the map. */
  keyNotFoundError(target: MetadataKeyTarget, requestId: string | undefined): Error;
  /** Returns the error that one waiting lookup raises when the shared all-keys request failed, naming its key. */
  sharedRequestError(error: unknown, target: MetadataKeyTarget): unknown;
}

/** Settings of a {@link MetadataBatcher}. */
export interface MetadataBatcherOptions {
  /** Time in milliseconds that a new lookup waits for others of the same server; 0 waits one event-loop turn. */
  readonly windowMs?: number;
}

interface Waiter {
  readonly target: MetadataKeyTarget;
  readonly resolve: (value: string) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingGroup {
  readonly server: ServerTarget;
  readonly waitersByKey: Map<string, Waiter[]>;
}

type AllMetadataResult = Awaited<ReturnType<MetadataReader["getAllMetadata"]>>;

/**
 * Coalesces metadata lookups. Lookups of several keys of one server that are pending at the same
 * time share one `GET .../metadata`, and a lone lookup keeps the single-key `GET`. Identical lookups
 * share one request. A lookup that arrives while an all-keys request of its server is in flight
 * joins that request. Results and errors are those of single-key lookups.
 */
export class MetadataBatcher {
  private readonly reader: MetadataReader;
  private readonly windowMs: number;
  private readonly pendingGroups = new Map<string, PendingGroup>();
  private readonly singleKeyRequests = new Map<string, Promise<string>>();
  private readonly allKeysRequests = new Map<string, Promise<AllMetadataResult>>();

  constructor(reader: MetadataReader, options: MetadataBatcherOptions = {}) {
    this.reader = reader;
    this.windowMs = options.windowMs ?? 0;
  }

  /** Looks up one key, sharing a request with other lookups of the same server where it can. */
  getMetadataKey(target: MetadataKeyTarget): Promise<string> {
    const serverId = serverIdOf(target);
    const keyId = `${serverId}\n${target.key}`;

    const sameKey = this.singleKeyRequests.get(keyId);
    if (sameKey) {
      return sameKey;
    }
    const allKeys = this.allKeysRequests.get(serverId);
    if (allKeys) {
      return allKeys.then(
        (result) => this.pickKey(result, target),
        (error: unknown) => Promise.reject(this.reader.sharedRequestError(error, target)),
      );
    }

    return new Promise<string>((resolve, reject) => {
      let group = this.pendingGroups.get(serverId);
      if (!group) {
        group = { server: serverOf(target), waitersByKey: new Map() };
        this.pendingGroups.set(serverId, group);
        setTimeout(() => this.flush(serverId), this.windowMs);
      }

      const waiters = group.waitersByKey.get(target.key) ?? [];
      waiters.push({ target, resolve, reject });
      group.waitersByKey.set(target.key, waiters);
    });
  }

  private flush(serverId: string): void {
    const group = this.pendingGroups.get(serverId);
    this.pendingGroups.delete(serverId);
    if (!group) {
      return;
    }

    if (group.waitersByKey.size === 1) {
      const [waiters] = group.waitersByKey.values();
      this.sendSingleKey(serverId, waiters);
    } else {
      this.sendAllKeys(serverId, group);
    }
  }

  private sendSingleKey(serverId: string, waiters: Waiter[]): void {
    const target = waiters[0].target;
    const keyId = `${serverId}\n${target.key}`;
    const request = this.reader.getMetadataKey(target);
    this.singleKeyRequests.set(keyId, request);

    const settle = () => this.singleKeyRequests.delete(keyId);
    request.then(settle, settle);
    for (const waiter of waiters) {
      request.then(waiter.resolve, waiter.reject);
    }
  }

  private sendAllKeys(serverId: string, group: PendingGroup): void {
    const request = this.reader.getAllMetadata(group.server);
    this.allKeysRequests.set(serverId, request);

    const settle = () => this.allKeysRequests.delete(serverId);
    request.then(settle, settle);
    for (const waiters of group.waitersByKey.values()) {
      for (const waiter of waiters) {
        request.then(
          (result) => this.settleFromMap(result, waiter),
          (error: unknown) => waiter.reject(this.reader.sharedRequestError(error, waiter.target)),
        );
      }
    }
  }

  private settleFromMap(result: AllMetadataResult, waiter: Waiter): void {
    try {
      waiter.resolve(this.pickKey(result, waiter.target));
    } catch (error) {
      waiter.reject(error);
    }
  }

  private pickKey(result: AllMetadataResult, target: MetadataKeyTarget): string {
    if (!Object.prototype.hasOwnProperty.call(result.metadata, target.key)) {
      throw this.reader.keyNotFoundError(target, result.requestId);
    }
    return result.metadata[target.key];
  }
}

function serverOf(target: MetadataKeyTarget): ServerTarget {
  return { apiVersion: target.apiVersion, projectId: target.projectId, serverId: target.serverId };
}

function serverIdOf(target: MetadataKeyTarget): string {
  return `${target.apiVersion}\n${target.projectId}\n${target.serverId}`;
}

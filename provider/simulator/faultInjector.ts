import type { FaultRule, FaultStep } from "./faultRules";
import type { MetadataRoute } from "./metadataRoutes";

/** Request facts that fault rules match on. */
export interface FaultRequest {
  readonly method: string;
  /** Route of the request, or `undefined` when its path matches no metadata call. */
  readonly route?: MetadataRoute;
}

/** Fault rule with how far it has got, as {@link FaultInjector.list} returns it. */
export interface FaultRuleState {
  /** Label of the rule: its `name`, or `fault <index>` by the order it was added. */
  readonly name: string;
  readonly rule: FaultRule;
  /** Index of the step the next matching request gets. */
  readonly nextStep: number;
  /** Requests the current step has been applied to. */
  readonly usedOfStep: number;
  /** Whether a rule without `repeat` has applied all its steps. */
  readonly finished: boolean;
}

/** Step chosen for one request, with the name of its rule. */
export interface ChosenFault {
  readonly ruleName: string;
  readonly step: FaultStep;
}

interface ActiveRule {
  readonly name: string;
  readonly rule: FaultRule;
  nextStep: number;
  usedOfStep: number;
  finished: boolean;
}

/**
 * Fault rules of a running simulator, which picks the step for each request. Rules are tried in the
 * order they were added. The first one that matches, and wins its draw when it has a `probability`,
 * applies its next step.
 */
export class FaultInjector {
  private readonly rules: ActiveRule[] = [];
  private added = 0;

  constructor(private readonly random: () => number) {}

  /** Adds rules that are already validated, after the existing ones. */
  add(rules: readonly FaultRule[]): void {
    for (const rule of rules) {
      this.rules.push({ name: rule.name ?? `fault ${this.added}`, rule: structuredClone(rule), nextStep: 0, usedOfStep: 0, finished: false });
      this.added += 1;
    }
  }

  /** Removes every rule. */
  clear(): void {
    this.rules.length = 0;
  }

  /** Returns a copy of every rule with its progress. */
  list(): FaultRuleState[] {
    return this.rules.map((active) => ({ ...active, rule: structuredClone(active.rule) }));
  }

  /** Returns the fault step for a request and advances its rule, or `undefined` when no rule applies. */
  choose(request: FaultRequest): ChosenFault | undefined {
    for (const active of this.rules) {
      if (active.finished || !matches(active.rule, request)) {
        continue;
      }
      if (active.rule.probability !== undefined && this.random() >= active.rule.probability) {
        continue;
      }
      return { ruleName: active.name, step: advance(active) };
    }
    return undefined;
  }
}

function advance(active: ActiveRule): FaultStep {
  const steps = active.rule.steps;
  const step = steps[active.nextStep];

  active.usedOfStep += 1;
  if (active.usedOfStep >= (step.times ?? 1)) {
    active.usedOfStep = 0;
    active.nextStep += 1;
    if (active.nextStep >= steps.length) {
      active.nextStep = 0;
      active.finished = active.rule.repeat !== true;
    }
  }
  return step;
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  const match = rule.match;
  if (match === undefined) {
    return true;
  }
  if (match.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase()) {
    return false;
  }

  const routeFieldsSet = [match.apiVersion, match.route, match.projectId, match.serverId, match.key].some((field) => field !== undefined);
  if (!routeFieldsSet) {
    return true;
  }
  const route = request.route;
  if (route === undefined) {
    return false;
  }
  return (
    (match.apiVersion === undefined || match.apiVersion === route.apiVersion) &&
    (match.route === undefined || match.route === route.kind) &&
    (match.projectId === undefined || match.projectId === route.projectId) &&
    (match.serverId === undefined || match.serverId === route.serverId) &&
    (match.key === undefined || match.key === route.key)
  );
}

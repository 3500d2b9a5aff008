/**
 * Faults a case injects into connectors: "what if the text does not go out,
 * the CRM is down". The engine's connector host is wrapped so the operations
 * named fail (as a connector failure, data not an exception) during the call;
 * the case's seeds, setup steps and `connectors` checks use the host as it is.
 */
import type { ConnectorHost, InvokeResult } from '../connectors/connector-host.js';
import type { Fault } from '../types/flow-test.generated.js';

/** The host with faults, and the switch that arms them once the call starts. */
export interface FaultyConnectors {
  host: ConnectorHost;
  /** The host without faults. */
  raw: ConnectorHost;
  /** Faults apply from now on. */
  arm(): void;
  /** Operations that failed because of a fault, in order. */
  readonly injected: string[];
}

/** Wraps `host` so the faults' operations fail once armed (each `times` times, or every time). */
export function withConnectorFaults(host: ConnectorHost, faults: readonly Fault[]): FaultyConnectors {
  const left = faults.map((fault) => fault.times ?? Number.POSITIVE_INFINITY);
  const injected: string[] = [];
  let armed = false;
  const wrapped: ConnectorHost = {
    catalog: () => host.catalog(),
    storageFor: (connector) => host.storageFor(connector),
    problems: () => host.problems(),
    async invoke(use, input, options): Promise<InvokeResult> {
      const index = armed ? faults.findIndex((fault, i) => fault.use === use && left[i]! > 0) : -1;
      if (index < 0) return host.invoke(use, input, options);
      left[index]! -= 1;
      injected.push(use);
      const fault = faults[index]!;
      return { ok: false, error: { code: fault.code ?? 'CONNECTOR_FAILED', message: fault.message ?? `${use} failed (a fault injected by the flow test)` }, latencyMs: 0 };
    },
  };
  return {
    host: wrapped,
    raw: host,
    arm: () => {
      armed = true;
    },
    injected,
  };
}

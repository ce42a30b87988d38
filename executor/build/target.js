// The executor's bundle (@gpuc/platform/build), which bin/gpuc-executor.js runs on plain node: no TypeScript loader
// in a process that stays up for months (~40 MB less resident), and dockerode's optional transports left out.
/** @type {import("@gpuc/platform/build").BundleTarget} */
export const EXECUTOR_BUNDLE = {
  name: "gpuc-executor",
  entries: ["executor/src/main.ts"],
  dist: "executor/dist",
  ...leanDependencies(),
  lazy: { "ergo-lib-wasm-nodejs": "classes" },
  builtBy: "executor/build/target.js",
};

/**
 * V8's young generation at 1 MB semi-spaces instead of 16: an agent that allocates little between ticks keeps
 * ~15 MB less resident (104 → 89 MB idle in bench:footprint's setting), for a few more scavenges a second under load.
 * bin/gpuc-executor.js's shebang carries the same flag.
 */
export const EXECUTOR_NODE_FLAGS = ["--max-semi-space-size=1"];

/**
 * Dependencies that load, on import, code a GPUC part never runs: dockerode its BuildKit session (@grpc/grpc-js and
 * protobufjs) and docker-modem its SSH transport (ssh2), ~20 MB resident that an executor talking to the local
 * socket never uses; prom-client the OpenTelemetry API (~7 MB), read only for exemplars, which GPUC does not enable.
 * Bundled, those files become stand-ins that require the real ones on first use (a `ssh://` DOCKER_HOST, a BuildKit
 * build, an exemplar).
 *
 * @returns {Pick<import("@gpuc/platform/build").BundleTarget, "inline" | "stubs">}
 */
export function leanDependencies() {
  return {
    inline: ["dockerode", "docker-modem", "prom-client"],
    stubs: {
      "/dockerode/lib/session.js": "function",
      "/docker-modem/lib/ssh.js": "function",
      "/@opentelemetry/api/dist/index.cjs": "object",
    },
  };
}

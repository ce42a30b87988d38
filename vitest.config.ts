import { defineConfig } from "vitest/config";

// One vitest project per workspace, so `npm test` runs them all and `vitest --project devnet` runs one.
const workspaces = [
  "platform",
  "sdk",
  "ergoscript",
  "offchain",
  "indexer",
  "devnet",
  "marketplace-api",
  "executor",
  "onramp",
  "rosen-adapter",
  "dashboards",
  "web",
  "cli",
  "e2e",
  "crash",
];

export default defineConfig({
  test: {
    projects: [
      ...workspaces.map((name) => ({
        extends: true as const,
        test: { name, root: `./${name}`, include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] },
      })),
      // The repository's own tooling (the benchmark runner and its regression check).
      { extends: true, test: { name: "scripts", root: "./scripts", include: ["**/*.spec.ts"] } },
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    passWithNoTests: true,
    // Rosen's packages (@rosen-bridge, @rosen-clients) ship ESM with extensionless imports: vite resolves them when inlined, plain node does not.
    server: { deps: { inline: [/@rosen-bridge\//, /@rosen-clients\//] } },
  },
});

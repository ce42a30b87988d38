// `npm run fuzz:api` (executor half): generated requests against every route of the real executor app, over
// Docker, PostgreSQL and a running rental. Prints one JSON report; exits 1 on any 5xx or bad 4xx.
import { fuzzRoutes, parseFuzzArgs } from "@gpuc/platform/fuzz";
import { startExecutorWorld } from "../src/testing/fuzz-world.ts";

const { runs, seed, only } = parseFuzzArgs(process.argv.slice(2));
const world = await startExecutorWorld();
try {
  const routes = world.routes.filter((route) => only === undefined || route.path.includes(only));
  const report = await fuzzRoutes(
    { ...world, routes },
    {
      runs,
      ...(seed === undefined ? {} : { seed }),
      onRoute: (key, r) => console.error(`fuzz: ${key} ${JSON.stringify(r.byClass)}`),
    },
  );
  console.log(JSON.stringify({ service: "executor", ...report }, null, 2));
  process.exitCode = report.totals.fiveXx + report.totals.violations > 0 ? 1 : 0;
} finally {
  await world.close();
}

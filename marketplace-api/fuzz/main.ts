// `npm run fuzz:api` (marketplace half): generated requests against every route of the real marketplace app,
// over real PostgreSQL and a devnet deployment. Prints one JSON report; exits 1 on any 5xx or bad 4xx.
import { fuzzRoutes, parseFuzzArgs } from "@gpuc/platform/fuzz";
import { startFuzzWorld } from "../src/testing/fuzz-world.ts";

const { runs, seed, only } = parseFuzzArgs(process.argv.slice(2));
const world = await startFuzzWorld();
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
  console.log(JSON.stringify({ service: "marketplace-api", ...report }, null, 2));
  process.exitCode = report.totals.fiveXx + report.totals.violations > 0 ? 1 : 0;
} finally {
  await world.close();
}

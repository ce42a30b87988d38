// `npm run build:web`: builds the web app (unless the current sources' build exists) and prints its folder.
import { ensureWebBuild } from "./build.ts";

const force = process.argv.includes("--force");
const web = await ensureWebBuild({ force });
process.stdout.write(`${JSON.stringify({ dir: web.dir, built: web.built, ms: Math.round(web.ms) })}\n`);

import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Request, type RequestHandler, Router } from "express";

/** Paths the app shell never answers: the API's own, the machine-facing ones beside it, and missing assets. */
const NOT_THE_APP = /^\/(api|metrics|\.well-known|assets)(\/|$)/;

/**
 * Serves a built single-page app from `dir`: its hashed assets cached for a year (their names change with their
 * content), and `index.html` — never cached, so a deploy shows at once — for any other GET a browser navigates to,
 * so a link to `/instances/…` opens the app on that page. API paths fall through to the API's 404.
 *
 * @throws Error when `dir` holds no index.html (a build is missing: run `npm run build:web`).
 */
export function webApp(dir: string): Router {
  const index = join(dir, "index.html");
  if (!existsSync(index))
    throw new Error(`No web app build in ${dir} (index.html missing): run npm run build:web`);
  const router = Router();
  router.use(
    "/assets",
    express.static(join(dir, "assets"), { immutable: true, maxAge: "365d", index: false }),
  );
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.get(/.*/, appShell(index));
  return router;
}

function appShell(index: string): RequestHandler {
  return (req, res, next) => {
    if (NOT_THE_APP.test(req.path) || !wantsHtml(req)) return next();
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  };
}

/** A browser navigating names text/html; fetch() and API clients do not, and get the API's 404 instead. */
function wantsHtml(req: Request): boolean {
  return req.headers.accept?.includes("text/html") ?? false;
}

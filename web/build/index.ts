// The web app's Node side: building it (cached), for `npm start` and the browser tests.
export { ensureWebBuild, WEB_DIST, type WebBuild, webSourceHash } from "./build.ts";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dev server proxies the API to a running marketplace (`npm start`), so the app and the API share one origin
// as they do in production, where the marketplace serves this build.
const api = process.env.GPUC_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  server: { proxy: { "/api": api, "/.well-known": api } },
});

// Test helpers of the end-to-end suite.
export { startTestSystem, type TestSystem } from "./system.ts";

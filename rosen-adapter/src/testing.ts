// Test kit of @gpuc/rosen-adapter: a Rosen bridge on the devnet (see testing/bridge-world.ts).

export { type BridgeApp, startBridgeApp } from "./testing/bridge-app.ts";
export { type BridgeWorld, DEVNET_TEMPLATE, startBridgeWorld, WORLD_PRICE } from "./testing/bridge-world.ts";

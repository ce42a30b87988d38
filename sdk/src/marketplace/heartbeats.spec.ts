import { describe, expect, it } from "vitest";
import { type Heartbeat, heartbeatMessage, heartbeatRequest } from "./heartbeats.ts";

const heartbeat: Heartbeat = {
  providerId: "6f1c1f43-8a59-4c34-9d0e-2f4b3c1d2e10",
  timestamp: "2030-01-01T00:00:00.000Z",
  gpus: [{ index: 0, uuid: "GPU-1", name: "RTX 4090", powerDrawW: null }],
  instances: [{ id: "0b6c8a3e-2d47-4f7e-9a1c-5e8f0d2b3c4a", state: "Running", runningSeconds: 12 }],
};

describe("heartbeatMessage", () => {
  it("Should sign the canonical JSON of every member but the signature", () => {
    const expected =
      '{"gpus":[{"index":0,"name":"RTX 4090","powerDrawW":null,"uuid":"GPU-1"}],"instances":[{"id":"0b6c8a3e-2d47-4f7e-9a1c-5e8f0d2b3c4a","runningSeconds":12,"state":"Running"}],"providerId":"6f1c1f43-8a59-4c34-9d0e-2f4b3c1d2e10","timestamp":"2030-01-01T00:00:00.000Z"}';
    expect(new TextDecoder().decode(heartbeatMessage(heartbeat))).toBe(expected);
    expect(heartbeatMessage({ ...heartbeat, signature: "ab" })).toEqual(heartbeatMessage(heartbeat));
  });

  it("Should give the verifier the signer's bytes from the JSON body as it travels", () => {
    const sent = { ...heartbeat, endpoint: "https://gpu.example:8090", signature: "ab" };
    const received = JSON.parse(JSON.stringify(sent));
    expect(heartbeatRequest.parse(received)).toBeTruthy();
    expect(heartbeatMessage(received)).toEqual(heartbeatMessage(sent));
    expect(heartbeatMessage({ ...received, endpoint: "https://evil.example" })).not.toEqual(
      heartbeatMessage(sent),
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  networkOfAddress,
  SignatureRejectedError,
  toSignedTx,
  WalletDisconnectedError,
  WalletFailedError,
  walletErrorOf,
} from "./eip12.ts";

describe("networkOfAddress", () => {
  it("reads the network from the address's prefix byte", () => {
    expect(networkOfAddress("9fRAWhdxEsTcdb8PhGNrZfwqa65zfkuYHAMmkQLcic1gdLSV5vA")).toBe("mainnet");
    expect(networkOfAddress("3WvsT2Gm4EpsM9Pg18PdY6XyhNNMqXDsvJTbbf6ihLvAmSb7u5RN")).toBe("testnet");
  });

  it("gives no network for text that is not base58", () => {
    expect(networkOfAddress("0OIl")).toBeUndefined();
  });
});

describe("walletErrorOf", () => {
  it("turns EIP-12's user-declined and refused codes into a refusal that says nothing was sent", () => {
    for (const code of [2, -3]) {
      const error = walletErrorOf({ code, info: "no" }, "the escrow");
      expect(error).toBeInstanceOf(SignatureRejectedError);
      expect(error.message).toBe("You declined to sign the escrow in Nautilus; nothing was sent.");
    }
  });

  it("keeps the wallet's own words for other failures", () => {
    const error = walletErrorOf({ code: 1, info: "proof generation failed" }, "the draw");
    expect(error).toBeInstanceOf(WalletFailedError);
    expect(error.message).toBe("Nautilus could not sign the draw: proof generation failed");
  });

  it("recognises a disconnect in a thrown error", () => {
    expect(walletErrorOf(new Error("Wallet not connected"), "x")).toBeInstanceOf(WalletDisconnectedError);
  });
});

describe("toSignedTx", () => {
  const signed = (extension: Record<string, unknown>) => ({
    id: "a".repeat(64),
    inputs: [{ boxId: "b".repeat(64), spendingProof: { proofBytes: "00", extension } }],
    dataInputs: [],
    outputs: [],
  });

  it("accepts the flat extension wallets write and the typings' { values } alike", () => {
    const flat = toSignedTx(signed({ "0": "0e01ff" }) as never);
    const nested = toSignedTx(signed({ values: { "0": "0e01ff" } }) as never);
    expect(flat.inputs[0]!.spendingProof.extension).toEqual({ "0": "0e01ff" });
    expect(nested.inputs[0]!.spendingProof.extension).toEqual({ "0": "0e01ff" });
  });
});

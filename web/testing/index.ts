// The web app's browser-test kit: Debian's Chromium, the EIP-12 test wallet, screenshots and axe checks.
export {
  CHROMIUM,
  CHROMIUM_FLAGS,
  launchChromium,
  screenshots,
  seriousViolations,
  TEST_OUTPUT,
  WIDTHS,
} from "./browser.ts";
export { TestWallet, type WalletBehaviour, type WalletCall } from "./test-wallet.ts";

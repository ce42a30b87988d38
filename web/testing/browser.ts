import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium (scripts/services.sh installs it), with the flags DEVELOPERS.md names for this machine. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/** Where the browser tests leave what people look at: screenshots per page and width. */
export const TEST_OUTPUT = join(import.meta.dirname, "..", "..", "test-results", "web");

export const WIDTHS = { phone: 360, desktop: 1280 } as const;

/** Screenshots the page at 360 px and 1280 px wide: `<name>-360.png`, `<name>-1280.png`. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  const original = page.viewportSize() ?? { width: WIDTHS.desktop, height: 900 };
  const paths: string[] = [];
  for (const width of Object.values(WIDTHS)) {
    await page.setViewportSize({ width, height: 900 });
    const path = join(TEST_OUTPUT, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize(original);
  return paths;
}

/** What axe-core finds serious or critical on the page, as `rule: target…` lines (empty when it is clean). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
}

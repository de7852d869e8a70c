// Record a HAR file of page views in Debian's Chromium, with playwright-core (no browser
// download): node record_har.js CHROMIUM OUT.har URL [URL...] -- FLAG...
// Each URL is one page view in the same browser context, so later views use its cache.
const { chromium } = require("playwright-core");

async function main() {
  const args = process.argv.slice(2);
  const split = args.indexOf("--");
  const [executablePath, harPath, ...urls] = split < 0 ? args : args.slice(0, split);
  const flags = split < 0 ? [] : args.slice(split + 1);
  const browser = await chromium.launch({ executablePath, args: flags, headless: true });
  const context = await browser.newContext({ recordHar: { path: harPath, mode: "full" } });
  for (const url of urls) {
    const page = await context.newPage(); // one HAR page per view
    await page.goto(url, { waitUntil: "networkidle" });
    await page.close();
  }
  await context.close(); // writes the HAR file
  await browser.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// How every test and benchmark starts Chromium: Debian's /usr/bin/chromium (never a
// downloaded browser), headless, with nothing reaching out to the network on its own.
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

import { defineConfig } from '@playwright/test';

// The binary and site come from the test script (make test); the defaults fit a plain
// `cargo leptos build --release --split` in this checkout.
const bin = process.env.VORONKA_BIN ?? '../target/release/voronka';
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? '../target/site';

export const ports = { setupDesktop: 3101, setupPhone: 3103, demoDesktop: 3102, demoPhone: 3104, settingsDesktop: 3105, settingsPhone: 3106 };
export const demoPassword = 'demo-password-1';

function server(name: string, port: number, demoLeads?: number, salesSee = 'all') {
  const db = `tmp/${name}.db`;
  const fill = demoLeads === undefined ? '' : `"${bin}" demo --leads ${demoLeads} --sales-see ${salesSee} && `;
  return {
    command: `mkdir -p tmp && rm -f ${db} ${db}-wal ${db}-shm && ${fill}exec "${bin}" serve --addr 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/health`,
    env: {
      DATABASE_URL: `sqlite://${db}`,
      LEPTOS_SITE_ROOT: siteRoot,
      VORONKA_DEMO_PASSWORD: demoPassword,
      RUST_LOG: 'warn',
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // No retries: a test that fails once is a bug to find (the last one was a hydration mismatch).
  retries: 0,
  workers: 2,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    locale: 'en-US',
    trace: 'off',
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      use: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
    },
  ],
  webServer: [
    server('setup-desktop', ports.setupDesktop),
    server('setup-phone', ports.setupPhone),
    // Each project moves cards on a school of its own, so the two never race for a card. The
    // phone project's school lets sales staff see only their own leads; the desktop's, all.
    server('demo-desktop', ports.demoDesktop, 1500),
    server('demo-phone', ports.demoPhone, 1500, 'own'),
    // Settings change the whole school (stage order, languages): schools of their own.
    server('settings-desktop', ports.settingsDesktop, 60),
    server('settings-phone', ports.settingsPhone, 60),
  ],
});

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/io.js';
import { countChanged, countDiffering, decodePng, type Rgba } from './png.js';
import { rawRequest, startView, type ViewProcess } from './server.js';
import type { PageState } from '../../web/main.js';

/**
 * `mdpost view` end to end: the server as a user starts it, and its page in headless Chromium —
 * Mol* drawing the structure (WebGL in software), the frame slider moving it, the plots beside.
 * Screenshots go to test-artifacts/ to be looked at.
 */

const CHROMIUM = '/usr/bin/chromium';
/** CI sets MDPOST_REQUIRE_CHROMIUM=1 once it has installed Chromium: then a missing browser fails, not skips. */
const REQUIRED = process.env.MDPOST_REQUIRE_CHROMIUM === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM) || REQUIRED;
if (!HAVE_CHROMIUM) console.warn(`test/viewer: skipping the page tests, ${CHROMIUM} is absent (apt-get install chromium)`);

/**
 * Headless Chromium without a GPU: WebGL comes from ANGLE on SwiftShader, the software Vulkan
 * renderer; recent Chromium only allows that when --enable-unsafe-swiftshader says so.
 */
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ARTIFACTS = join(REPO, 'test-artifacts');
const FILE = 'trajectories/nafsi-water/nafsi-water.lammpstrj.gz';
/** Mol* in software rendering is slow: page load, frame changes and redraws get this long. */
const SLOW = 60_000;

const pageState = (page: Page) => page.evaluate(() => (window as unknown as { mdpost: PageState }).mdpost);

/** Screenshots of `el` until two in a row are the same: Mol* has finished drawing. */
async function settledShot(el: Locator, differentFrom?: Rgba): Promise<Rgba> {
  const until = Date.now() + SLOW;
  let last = decodePng(await el.screenshot());
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 400));
    const next = decodePng(await el.screenshot());
    const moved = !differentFrom || countChanged(next, differentFrom) > 0;
    if (countChanged(next, last, 0) === 0 && moved) return next;
    if (Date.now() > until) return next;
    last = next;
  }
}

describe('mdpost view', () => {
  let server: ViewProcess;

  beforeAll(async () => {
    server = await startView([FILE, '--port', '0']);
  }, 180_000);

  afterAll(async () => {
    // Normally already stopped by the last test.
    await server?.interrupt().catch(() => server.child.kill('SIGKILL'));
  });

  it('prints the system and the URL, on the loopback interface', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.output()).toMatch(/1304 atoms, 401 frames \(all\); highlight Na \(14\), shell O within [\d.]+ Å/);
  });

  it('refuses paths outside the page, unknown API paths and methods other than GET/HEAD', async () => {
    for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd', '/api/nope']) {
      const r = await rawRequest(server.url, 'GET', path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(r.body, path).not.toMatch(/root:/);
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await rawRequest(server.url, method, '/api/info');
      expect(r.status, method).toBeGreaterThanOrEqual(400);
      expect(r.status, method).toBeLessThan(500);
    }
    expect((await rawRequest(server.url, 'GET', '/')).status).toBe(200);
  });

  describe.skipIf(!HAVE_CHROMIUM)(`the page in headless Chromium (${CHROMIUM})`, () => {
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    let frame0: Rgba;

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
    }, SLOW);

    afterAll(async () => {
      await browser?.close();
    });

    it('decodes Chromium screenshots (the pixel checks below rely on it)', async () => {
      const probe = await browser.newPage();
      await probe.setContent('<body style="margin:0;background:#fff"><div id="box" style="width:60px;height:40px;padding:10px;background:#fff"><div style="width:30px;height:20px;background:rgb(10,200,30)"></div></div></body>');
      const img = decodePng(await probe.locator('#box').screenshot());
      await probe.close();
      expect([img.width, img.height]).toEqual([80, 60]);
      expect(countDiffering(img, [255, 255, 255], 0)).toBe(600);
      expect(Array.from(img.data.subarray(4 * (15 * 80 + 15), 4 * (15 * 80 + 15) + 4))).toEqual([10, 200, 30, 255]);
    });

    it('loads the structure in Mol*, the plots and the first frame', async () => {
      await page.goto(server.url);
      await page.waitForFunction(() => {
        const s = (window as unknown as { mdpost?: PageState }).mdpost;
        return s?.ready || s?.error;
      }, null, { timeout: SLOW });
      const state = await pageState(page);
      expect(state.error).toBeNull();
      expect(state).toMatchObject({ ready: true, frame: 0, step: 0, timePs: 0, modelIndex: 0 });
      expect(state.shellAtoms.length).toBeGreaterThan(14 * 4);
      expect(await page.textContent('#frame-label')).toBe('frame 0 / 400 · step 0 · 0.0 ps');
      expect(await page.getAttribute('#frame-slider', 'max')).toBe('400');

      // Mol* drew something: most of its canvas is not the white background.
      frame0 = await settledShot(page.locator('#viewer'));
      const corner = Array.from(frame0.data.subarray(4 * (10 * frame0.width + 10), 4 * (10 * frame0.width + 10) + 3));
      expect(corner).toEqual([255, 255, 255]);
      const drawn = countDiffering(frame0, [255, 255, 255]);
      expect(drawn / (frame0.width * frame0.height)).toBeGreaterThan(0.1);

      // The MSD and g(r) plots, as SVG, and the coordination numbers at this frame.
      expect(await page.locator('#plots svg.marks').count()).toBeGreaterThanOrEqual(2);
      expect(await page.textContent('#plots')).toMatch(/Coordination at this frame: O within [\d.]+ Å of each Na/);
      expect(await page.locator('#plots .ion').count()).toBe(14);
      expect(await page.textContent('#about')).toMatch(/first minimum of the Na–O g\(r\)/);

      writeFileSync(join(ARTIFACTS, 'viewer-frame0.png'), await page.screenshot({ fullPage: true }));
    }, 2 * SLOW);

    it('shows frame 200 when the slider moves there: label, state, Mol* model and picture', async () => {
      const shell0 = (await pageState(page)).shellAtoms;
      await page.locator('#frame-slider').fill('200');
      await page.waitForFunction(() => (window as unknown as { mdpost: PageState }).mdpost.frame === 200, null, { timeout: SLOW });
      const state = await pageState(page);
      expect(state).toMatchObject({ frame: 200, step: 100_000, timePs: 100, modelIndex: 200, error: null });
      expect(state.shellAtoms).not.toEqual(shell0);
      expect(await page.textContent('#frame-label')).toBe('frame 200 / 400 · step 100000 · 100.0 ps');

      const frame200 = await settledShot(page.locator('#viewer'), frame0);
      const changed = countChanged(frame0, frame200);
      expect(changed / (frame0.width * frame0.height)).toBeGreaterThan(0.02);

      writeFileSync(join(ARTIFACTS, 'viewer-frame200.png'), await page.screenshot({ fullPage: true }));
    }, 2 * SLOW);

    it('plays and pauses', async () => {
      await page.click('#play');
      expect(await page.textContent('#play')).toMatch(/Pause/);
      await page.waitForFunction(() => (window as unknown as { mdpost: PageState }).mdpost.frame >= 202, null, { timeout: SLOW });
      await page.click('#play');
      expect(await page.textContent('#play')).toMatch(/Play/);
      // The frame being shown when paused is the last one.
      await page.waitForTimeout(1000);
      const paused = (await pageState(page)).frame;
      await page.waitForTimeout(1000);
      expect((await pageState(page)).frame).toBe(paused);
      expect(Number(await page.inputValue('#frame-slider'))).toBe(paused);
    }, 2 * SLOW);

    it('says "no analysis" without one (404), and shows a frame whose shell is empty', async () => {
      const other = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      await other.route('**/api/analysis', (r) => r.fulfill({ status: 404, contentType: 'text/plain', body: 'no analysis\n' }));
      // Frame 1 with nobody in the first shell: the shell's component goes, and comes back at frame 2.
      await other.route(
        (url) => url.pathname === '/api/shell' && url.searchParams.get('frame') === '1',
        async (r) => {
          const real = (await (await r.fetch()).json()) as { frame: number; perAtom: { atom: number }[] };
          await r.fulfill({ json: { frame: real.frame, shellAtoms: [], perAtom: real.perAtom.map((a) => ({ atom: a.atom, neighbours: [] })) } });
        },
      );
      await other.goto(server.url);
      await other.waitForFunction(() => {
        const s = (window as unknown as { mdpost?: PageState }).mdpost;
        return s?.ready || s?.error;
      }, null, { timeout: SLOW });
      expect((await pageState(other)).error).toBeNull();
      expect(await other.textContent('#plots')).toMatch(/no analysis/);
      expect(await other.locator('#plots svg').count()).toBe(0);
      expect(await other.locator('#plots .ion').count()).toBe(14);

      for (const [frame, empty] of [[1, true], [2, false]] as const) {
        await other.locator('#frame-slider').fill(String(frame));
        await other.waitForFunction((k) => (window as unknown as { mdpost: PageState }).mdpost.frame === k, frame, { timeout: SLOW });
        const state = await pageState(other);
        expect(state).toMatchObject({ frame, modelIndex: frame, error: null });
        expect(state.shellAtoms.length === 0).toBe(empty);
      }
      await other.close();
    }, 2 * SLOW);

    it('logged no errors', () => {
      expect(problems).toEqual([]);
    });
  });

  it('stops on Ctrl-C (SIGINT)', async () => {
    expect(await server.interrupt()).toBe(0);
  }, 30_000);
});

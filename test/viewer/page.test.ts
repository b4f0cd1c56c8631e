import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrajectoryReader } from '../../src/io/reader.js';
import type { Frame } from '../../src/model/frame.js';
import { mdpost } from '../support/cli.js';
import { REPO, tempFile } from '../support/io.js';
import { NaClasses, type IonClass } from './classes.js';
import { correlation, countChanged, countDiffering, coverage, decodePng, type Rgba } from './png.js';
import { rawRequest, startView, type ViewProcess } from './server.js';
import type { PageState } from '../../web/main.js';
import type { PickState } from '../../web/picks.js';

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
const pickState = (page: Page) => page.evaluate(() => (window as unknown as { mdpostPick: PickState }).mdpostPick);
const NA = Array.from({ length: 14 }, (_, i) => 126 + i);
/** The selection the page is switched to: four of the Na. */
const SOME_NA = 'Na and index 126:129';

/** The file's frame of a given index, as read. */
async function fileFrame(index: number): Promise<Frame> {
  const reader = await TrajectoryReader.open(join(REPO, FILE));
  for await (const f of reader.frames()) if (f.index === index) return { ...f, positions: f.positions.slice(0, 3 * f.natoms) };
  throw new Error(`no frame ${index}`);
}

/** The top left w × h pixels of an image. */
function crop(img: Rgba, w: number, h: number): Rgba {
  const data = new Uint8Array(4 * w * h);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(4 * y * img.width, 4 * (y * img.width + w)), 4 * y * w);
  return { width: w, height: h, data };
}

/** The atoms of each class, as the page's Mol* components should hold them. */
function byClass(atoms: number[], classes: IonClass[]): Record<IonClass, number[]> {
  const out: Record<IonClass, number[]> = { SSIP: [], CIP: [], AGG: [] };
  atoms.forEach((a, i) => out[classes[i]].push(a));
  return out;
}

/** Screenshots of `el` until two in a row are the same: Mol* has finished drawing. */
async function settledShot(el: Locator, differentFrom?: Rgba): Promise<Rgba> {
  const until = Date.now() + SLOW;
  let last = decodePng(await el.screenshot({ timeout: SLOW }));
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 400));
    const next = decodePng(await el.screenshot({ timeout: SLOW }));
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
    /** The server's refusals the browser logs: only the bad selection's, asked for on purpose. */
    const refusals: string[] = [];
    let frame0: Rgba;
    /** The science's classes of every Na, with the page's cutoffs. */
    let science: NaClasses;

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      // Software rendering costs by the pixel: a modest window keeps the suite's time down.
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(SLOW);
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        if (/status of 400 \(Bad Request\)/.test(m.text())) refusals.push(m.text());
        else problems.push(`console: ${m.text()}`);
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

    it('loads the structure in Mol*, the plots and the first frame, each Na coloured by its class', async () => {
      await page.goto(server.url);
      await page.waitForFunction(() => {
        const s = (window as unknown as { mdpost?: PageState }).mdpost;
        return s?.ready || s?.error;
      }, null, { timeout: SLOW });
      const state = await pageState(page);
      expect(state.error).toBeNull();
      expect(state).toMatchObject({ ready: true, frame: 0, step: 0, timePs: 0, modelIndex: 0 });
      expect(state.setup).toMatchObject({ ions: 'Na', shell: 'element O N F', cutoff: '', anions: ['FSI'] });
      expect(await page.textContent('#frame-label')).toBe('frame 0 / 400 · step 0 · 0.0 ps');
      expect(await page.getAttribute('#frame-slider', 'max')).toBe('400');

      // The classes are the science's, with the page's cutoffs (the first minima of the Na–kind g(r)).
      const cutoff = Object.fromEntries(state.setup!.kinds.map((k) => [k.name, k.cutoffA])) as { FSI: number; H2O: number };
      science = await NaClasses.open(join(REPO, FILE), cutoff);
      const classes0 = (await science.at(join(REPO, FILE), [0])).get(0)!;
      expect(state.classes).toEqual(NA.map((atom, i) => ({ atom, class: classes0[i] })));
      // Mol* draws each Na in its class's component, the partners whole, the rest as ball-and-stick.
      expect(state.drawn).toMatchObject({ ...byClass(NA, classes0), ions: [], partners: state.partnerAtoms, contacts: state.contactAtoms });
      expect(state.drawn!.rest).toHaveLength(1304 - 14);
      expect(state.contactAtoms.length).toBeGreaterThan(14 * 4);
      expect(state.partnerAtoms.length).toBeGreaterThan(state.contactAtoms.length * 2);

      // Mol* drew something: most of its canvas is not the white background.
      frame0 = await settledShot(page.locator('#viewer'));
      const corner = Array.from(frame0.data.subarray(4 * (10 * frame0.width + 10), 4 * (10 * frame0.width + 10) + 3));
      expect(corner).toEqual([255, 255, 255]);
      const drawn = countDiffering(frame0, [255, 255, 255]);
      expect(drawn / (frame0.width * frame0.height)).toBeGreaterThan(0.1);

      // The run's plot (classes against time), the MSD and g(r) plots, as SVG, and the shells at this frame.
      await page.waitForFunction(() => document.querySelectorAll('#plots svg.marks').length >= 3, null, { timeout: SLOW });
      expect(await page.textContent('#plots')).toMatch(/First shells at this frame: partners of each Na \(14\)/);
      expect(await page.locator('#plots .ion').count()).toBe(14);
      expect(await page.textContent('#plots')).toMatch(/MSD\(τ\) averages over every time origin/);
      expect(await page.textContent('#about')).toMatch(/first minimum of the Na–H2O g\(r\)/);
      expect(await page.locator('#legend [data-item]').evaluateAll((li) => li.map((e) => (e as HTMLElement).dataset.item))).toEqual(['SSIP', 'CIP', 'AGG', 'partners', 'contacts', 'rest']);

      writeFileSync(join(ARTIFACTS, 'viewer-frame0.png'), await page.screenshot({ fullPage: true }));
    }, 3 * SLOW);

    it('recolours the Na at a frame where one changes class (jumped to with the frame box)', async () => {
      // The first frame where the science says some Na's class differs from frame 0.
      const change = await science.firstChange(join(REPO, FILE));
      const moved = NA.filter((_, i) => change.before[i] !== change.after[i]);
      expect(moved.length).toBeGreaterThan(0);
      await page.fill('#frame-input', String(change.frame));
      await page.press('#frame-input', 'Enter');
      await page.waitForFunction((k) => (window as unknown as { mdpost: PageState }).mdpost.frame === k, change.frame, { timeout: SLOW });
      const state = await pageState(page);
      expect(state.classes).toEqual(NA.map((atom, i) => ({ atom, class: change.after[i] })));
      expect(state.drawn).toMatchObject(byClass(NA, change.after));
      for (const atom of moved) {
        const i = NA.indexOf(atom);
        expect(state.drawn![change.after[i]]).toContain(atom);
        expect(state.drawn![change.before[i]]).not.toContain(atom);
        expect(await page.getAttribute(`#plots .ion[data-atom="${atom}"]`, 'data-class')).toBe(change.after[i]);
      }
      writeFileSync(join(ARTIFACTS, `viewer-frame${change.frame}.png`), await page.screenshot({ fullPage: true }));
    }, 2 * SLOW);

    it('shows frame 200 when the slider moves there: label, state, Mol* model and picture', async () => {
      const shell0 = (await pageState(page)).partnerAtoms;
      await page.locator('#frame-slider').fill('200');
      await page.waitForFunction(() => (window as unknown as { mdpost: PageState }).mdpost.frame === 200, null, { timeout: SLOW });
      const state = await pageState(page);
      expect(state).toMatchObject({ frame: 200, step: 100_000, timePs: 100, modelIndex: 200, error: null });
      expect(state.partnerAtoms).not.toEqual(shell0);
      expect(state.drawn!.partners).toEqual(state.partnerAtoms);
      expect(await page.textContent('#frame-label')).toBe('frame 200 / 400 · step 100000 · 100.0 ps');

      const frame200 = await settledShot(page.locator('#viewer'), frame0);
      const changed = countChanged(frame0, frame200);
      expect(changed / (frame0.width * frame0.height)).toBeGreaterThan(0.02);

      writeFileSync(join(ARTIFACTS, 'viewer-frame200.png'), await page.screenshot({ fullPage: true }));
    }, 2 * SLOW);

    it('plays and pauses, at the speed chosen', async () => {
      await page.selectOption('#speed', '2');
      await page.click('#play');
      expect(await page.textContent('#play')).toMatch(/Pause/);
      await page.waitForFunction(() => (window as unknown as { mdpost: PageState }).mdpost.frame >= 202, null, { timeout: SLOW });
      // Clicked from the page's script: Playwright's click waits for the button to hold still over
      // two animation frames, which a busy software renderer may not give it in time.
      await page.evaluate(() => document.getElementById('play')!.click());
      expect(await page.textContent('#play')).toMatch(/Play/);
      // The frame being shown when paused is the last one.
      await page.waitForTimeout(1000);
      const paused = (await pageState(page)).frame;
      await page.waitForTimeout(1000);
      expect((await pageState(page)).frame).toBe(paused);
      expect(Number(await page.inputValue('#frame-slider'))).toBe(paused);
    }, 2 * SLOW);

    it('highlights the ions chosen in the page, each classed among all the Na', async () => {
      const frame = (await pageState(page)).frame;
      // The box offers the default and each Na alone (the file has no other cation).
      const offered = await page.locator('#ions-choices option').evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value));
      expect(offered).toEqual(['Na', ...NA.map((a) => `Na and index ${a}`)]);
      await page.fill('#ions-input', SOME_NA);
      await page.click('#apply');
      await page.waitForFunction((sel) => (window as unknown as { mdpost: PageState }).mdpost.setup?.ions === sel, SOME_NA, { timeout: SLOW });
      const state = await pageState(page);
      expect(state.frame).toBe(frame);
      const some = [126, 127, 128, 129];
      const all = (await science.at(join(REPO, FILE), [frame])).get(frame)!;
      const classes = some.map((a) => all[NA.indexOf(a)]);
      expect(state.classes).toEqual(some.map((atom, i) => ({ atom, class: classes[i] })));
      expect(state.drawn).toMatchObject(byClass(some, classes));
      expect(state.drawn!.rest).toHaveLength(1304 - 4);
      expect(await page.locator('#plots .ion').count()).toBe(4);

      // Without the solvent: the waters not in a shell go; the FSI and the other Na stay.
      await page.uncheck('#solvent-toggle');
      await page.waitForFunction(() => (window as unknown as { mdpost: PageState }).mdpost.drawn!.rest.length < 1300, null, { timeout: SLOW });
      const dry = await pageState(page);
      expect(dry.drawn!.rest).toEqual([...Array.from({ length: 126 }, (_, i) => i), ...NA.filter((a) => a > 129)]);
      expect(dry.drawn!.partners).toEqual(state.partnerAtoms);
    }, 2 * SLOW);

    it('refuses a bad selection with the command line’s message, and keeps the view', async () => {
      const bad = 'Na and nme X';
      const cli = mdpost(['view', FILE, '--highlight', bad]);
      expect(cli.code).toBe(2);
      const line = cli.stderr.split('\n').find((l) => l.startsWith('mdpost: error: '));
      expect(line).toMatch(/unknown keyword "nme": did you mean name\?/);
      await page.fill('#ions-input', bad);
      await page.click('#apply');
      await page.waitForFunction(() => (window as unknown as { mdpost: PageState }).mdpost.formError !== null, null, { timeout: SLOW });
      expect((await pageState(page)).formError).toBe(line);
      expect(await page.textContent('#form-error')).toBe(line);
      expect((await pageState(page)).setup!.ions).toBe(SOME_NA);
      expect(refusals).toHaveLength(1);
    }, SLOW);

    it('describes a clicked atom — element, molecule, its shell and class — and measures two', async () => {
      const state = await pageState(page);
      // Click the highlighted Na nearest the camera (spheres: a click at a centre hits it unless
      // something is in front), then the next: the first two that the clicks pick. Positions are
      // taken with the view scrolled into the window, just before each click.
      await page.evaluate(() => window.scrollTo(0, 0));
      type At = { x: number; y: number; depth: number } | null;
      const screenOf = (atom: number) => page.evaluate((a) => (window as unknown as { mdpostScreen: (a: number) => At }).mdpostScreen(a), atom);
      const candidates = (await Promise.all([126, 127, 128, 129].map(async (atom) => ({ atom, at: await screenOf(atom) }))))
        .filter((c) => c.at && c.at.y > 0 && c.at.y < 800)
        .sort((a, b) => a.at!.depth - b.at!.depth);
      /** The atom a click at an atom's centre picks (null: nothing there). */
      const clickAtom = async (c: (typeof candidates)[number]) => {
        const clicks = (await pickState(page)).clicks;
        const at = (await screenOf(c.atom))!;
        await page.mouse.click(at.x, at.y);
        const hit = await page.waitForFunction((n) => (window as unknown as { mdpostPick: PickState }).mdpostPick.clicks > n, clicks, { timeout: SLOW / 4 }).then(() => true, () => false);
        return hit ? (await pickState(page)).info!.index : null;
      };
      const picked: number[] = [];
      for (const c of candidates) {
        if (picked.length === 2) break;
        if ((await clickAtom(c)) === c.atom) {
          picked.push(c.atom);
          if (picked.length > 1) continue;
          const pick = await pickState(page);
          const cls = state.classes.find((x) => x.atom === c.atom)!.class;
          expect(pick.text).toContain(`atom: index ${c.atom} (PDB serial ${c.atom + 1})`);
          expect(pick.text).toContain('element: Na');
          expect(pick.text).toMatch(/molecule: Na, mol \d+, 1 atom/);
          expect(pick.text).toMatch(new RegExp(`shell, frame ${state.frame}: \\d+ (FSI|H2O)`));
          expect(pick.text).toContain(`class: ${cls}`);
          continue;
        }
        // Something in front was picked: start again from the Na already picked (the button
        // clicked from the script, so that the page does not scroll).
        await page.evaluate(() => document.getElementById('clear-picks')!.click());
        if (picked.length === 1) await clickAtom(candidates.find((x) => x.atom === picked[0])!);
      }
      expect(picked).toHaveLength(2);
      const [first, second] = picked.map((atom) => ({ atom }));
      expect((await pickState(page)).atoms).toEqual([first.atom, second.atom]);
      await page.click('#measure');
      await page.waitForFunction(() => (window as unknown as { mdpostPick: PickState }).mdpostPick.measurement !== null, null, { timeout: SLOW });
      const m = (await pickState(page)).measurement!;
      expect((await pickState(page)).drawnMeasurements).toBe(1);
      // The distance by the minimum image, on the file's frame read here.
      const f = await fileFrame(state.frame);
      const L = f.box!.matrix[0];
      const d = [0, 1, 2].map((k) => {
        const x = f.positions[3 * second.atom + k] - f.positions[3 * first.atom + k];
        return x - L * Math.round(x / L);
      });
      expect(m.distancesA[0]).toBeCloseTo(Math.hypot(...d), 9);
      expect(await page.textContent('#measure-result')).toContain(`${first.atom + 1}–${second.atom + 1} ${Math.hypot(...d).toFixed(3)} Å`);
    }, 3 * SLOW);

    it('exports the 3D view as a PNG image: the picture on the screen', async () => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 2 * SLOW }), page.evaluate(() => document.getElementById('export-png')!.click())]);
      const state = await pageState(page);
      expect(download.suggestedFilename()).toBe(`nafsi-water-frame${state.frame}.png`);
      const png = readFileSync((await download.path())!);
      writeFileSync(join(ARTIFACTS, 'viewer-export.png'), png);
      const img = decodePng(png);
      // The canvas as the screen shows it: same size, about as much drawn, mostly the same pixels
      // (the export is antialiased by four jittered renders, the screen by Mol*'s own pass).
      const full = decodePng(await page.locator('#viewer canvas').screenshot());
      // The element's box is rounded up to whole pixels, the drawing buffer down.
      expect(full.width - img.width).toBeGreaterThanOrEqual(0);
      expect(full.width - img.width).toBeLessThanOrEqual(1);
      expect(full.height - img.height).toBeGreaterThanOrEqual(0);
      expect(full.height - img.height).toBeLessThanOrEqual(1);
      const shot = crop(full, img.width, img.height);
      writeFileSync(join(ARTIFACTS, 'viewer-export-screen.png'), await page.locator('#viewer canvas').screenshot());
      const drawn = countDiffering(img, [255, 255, 255]), onScreen = countDiffering(shot, [255, 255, 255]);
      // Pixel by pixel the two differ along every thin line (antialiasing, sub-pixel offsets);
      // in 16-pixel tiles the export must draw what the screen shows, where it shows it.
      const r = correlation(coverage(img, [255, 255, 255], 16), coverage(shot, [255, 255, 255], 16));
      // An unrelated picture of the same cell from another side, as a control for the threshold.
      const flipped: Rgba = { ...shot, data: new Uint8Array(shot.data.length) };
      for (let y = 0; y < shot.height; y++) for (let x = 0; x < shot.width; x++) flipped.data.set(shot.data.subarray(4 * (y * shot.width + x), 4 * (y * shot.width + x) + 4), 4 * (y * shot.width + (shot.width - 1 - x)));
      const rFlipped = correlation(coverage(img, [255, 255, 255], 16), coverage(flipped, [255, 255, 255], 16));
      console.log(`PNG export: ${img.width}×${img.height}, drawn ${drawn} px, on screen ${onScreen} px; tile correlation ${r.toFixed(3)} (mirrored screen ${rFlipped.toFixed(3)})`);
      expect(drawn / (img.width * img.height)).toBeGreaterThan(0.03);
      expect(Math.abs(drawn - onScreen) / onScreen).toBeLessThan(0.3);
      expect(r).toBeGreaterThan(0.9);
      expect(rFlipped).toBeLessThan(0.9);
    }, 3 * SLOW);

    it('exports the frame shown as PDB and XYZ that mdpost reads back, with the cell', async () => {
      const state = await pageState(page);
      const want = await fileFrame(state.frame);
      for (const id of ['#export-pdb', '#export-xyz']) {
        const href = (await page.getAttribute(id, 'href'))!;
        const url = new URL(href, server.url);
        const r = await rawRequest(server.url, 'GET', url.pathname + url.search);
        expect(r.status).toBe(200);
        const ext = id.endsWith('pdb') ? 'pdb' : 'xyz';
        const reader = await TrajectoryReader.open(tempFile(`page-frame.${ext}`, r.body));
        for await (const f of reader.frames()) {
          expect([f.index, f.step, f.timePs]).toEqual([0, state.step, state.timePs]);
          expect(f.box!.matrix[0]).toBeCloseTo(want.box!.matrix[0], 3);
          let worst = 0;
          for (let i = 0; i < 3 * f.natoms; i++) {
            const d = (f.positions[i] - want.positions[i]) / want.box!.matrix[0];
            worst = Math.max(worst, Math.abs(d - Math.round(d)) * want.box!.matrix[0]);
          }
          expect(worst).toBeLessThan(ext === 'pdb' ? 5.1e-4 : 1e-6);
        }
      }
    }, SLOW);

    it('says "no analysis" without one (404), and shows a frame whose shells are empty', async () => {
      const other = await browser.newPage({ viewport: { width: 1280, height: 700 } });
      other.setDefaultTimeout(SLOW);
      await other.route('**/api/analysis', (r) => r.fulfill({ status: 404, contentType: 'text/plain', body: 'no analysis\n' }));
      // Frame 1 with nobody in the first shell: the shell's component goes, and comes back at frame 2.
      await other.route(
        (url) => url.pathname === '/api/solvation/frame' && url.searchParams.get('frame') === '1',
        async (r) => {
          const real = (await (await r.fetch()).json()) as { frame: number; ions: { atom: number }[] };
          await r.fulfill({ json: { frame: real.frame, ions: real.ions.map((i) => ({ atom: i.atom, class: 'SSIP', partners: [] })), partnerAtoms: [], contactAtoms: [] } });
        },
      );
      await other.goto(server.url);
      await other.waitForFunction(() => {
        const s = (window as unknown as { mdpost?: PageState }).mdpost;
        return s?.ready || s?.error;
      }, null, { timeout: SLOW });
      expect((await pageState(other)).error).toBeNull();
      expect(await other.textContent('#plots')).toMatch(/no analysis/);
      // Only the run's plot, which comes from the frames, not from an analysis.
      await other.waitForFunction(() => document.querySelectorAll('#plots svg.marks').length === 1, null, { timeout: SLOW });
      expect(await other.locator('#plots figure.plot').count()).toBe(0);
      expect(await other.locator('#plots .ion').count()).toBe(14);

      for (const [frame, empty] of [[1, true], [2, false]] as const) {
        await other.locator('#frame-slider').fill(String(frame));
        await other.waitForFunction((k) => (window as unknown as { mdpost: PageState }).mdpost.frame === k, frame, { timeout: SLOW });
        const state = await pageState(other);
        expect(state).toMatchObject({ frame, modelIndex: frame, error: null });
        expect(state.partnerAtoms.length === 0).toBe(empty);
        expect(state.drawn!.partners.length === 0).toBe(empty);
        expect(state.drawn!.contacts.length === 0).toBe(empty);
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

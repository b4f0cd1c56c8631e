import { renderAbout, renderFile, renderLegend } from './about.js';
import { ApiError, apiUrl, fetchAnalysis, fetchInfo, frameDownloadUrl, Solvation, type FrameSolvation, type IonClass, type KindSetup, type ViewInfo } from './api.js';
import { SHELL_CSS } from './colors.js';
import { SolvationPanel } from './coordination.js';
import { FrameControls, frameLabel, SPEEDS, DEFAULT_FPS } from './frames.js';
import { createMolView, elementCss, followHover, type ComponentName, type Scene } from './molstar-view.js';
import { Picks } from './picks.js';
import { embedPlots, type Plots } from './plots.js';

/** What the page shows now, for tests and for a look from the console (window.mdpost). */
export interface PageState {
  /** Mol* has loaded the structure, the plots are embedded and the first frame is shown. */
  ready: boolean;
  frame: number;
  step: number | null;
  timePs: number | null;
  /** The trajectory frame Mol*'s model was built from (equal to `frame` once shown). */
  modelIndex?: number;
  /** The choices the frame shown was drawn with. */
  setup: { ions: string; shell: string; cutoff: string; kinds: Pick<KindSetup, 'name' | 'cutoffA'>[]; anions: string[] } | null;
  /** Each highlighted atom's class at the frame shown (null: no class applies). */
  classes: { atom: number; class: IonClass | null }[];
  /** Atoms of the shell partners (whole molecules) and those within the cutoff, at the frame shown. */
  partnerAtoms: number[];
  contactAtoms: number[];
  /** What Mol* draws in each component, read back from its state after the frame was shown. */
  drawn: Record<ComponentName, number[]> | null;
  showSolvent: boolean;
  /** The server's line when it refused the solvation form, else null. */
  formError: string | null;
  /** Why the page stopped, if it did. */
  error: string | null;
}

declare global {
  interface Window {
    mdpost: PageState;
    /** Where an atom is drawn on the page (for tests that click it). */
    mdpostScreen?: (atom: number) => { x: number; y: number; depth: number } | null;
  }
}

const state: PageState = {
  ready: false,
  frame: 0,
  step: null,
  timePs: null,
  setup: null,
  classes: [],
  partnerAtoms: [],
  contactAtoms: [],
  drawn: null,
  showSolvent: true,
  formError: null,
  error: null,
};
window.mdpost = state;

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

function showError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  state.error = message;
  const status = byId('status');
  status.textContent = message;
  status.hidden = false;
  console.error(e);
}

/** The 3D view's components for one frame's shells. */
function sceneOf(info: ViewInfo, solvation: Solvation, fs: FrameSolvation, showSolvent: boolean): Scene {
  const setup = solvation.setup;
  const ions = new Set(setup.ions.atoms);
  const hidden = showSolvent ? null : new Set(setup.solventAtoms);
  const rest: number[] = [];
  for (let i = 0; i < info.natoms; i++) if (!ions.has(i) && !hidden?.has(i)) rest.push(i);
  const classes: Record<IonClass, number[]> = { SSIP: [], CIP: [], AGG: [] };
  const plain: number[] = [];
  for (const ion of fs.ions) (ion.class ? classes[ion.class] : plain).push(ion.atom);
  for (const list of [plain, classes.SSIP, classes.CIP, classes.AGG]) list.sort((a, b) => a - b);
  // A highlighted atom inside a partner molecule (water O around water O) stays a sphere.
  const notIon = (atoms: number[]) => atoms.filter((a) => !ions.has(a));
  return { rest, ions: plain, classes, partners: notIon(fs.partnerAtoms), contacts: notIon(fs.contactAtoms) };
}

async function main(): Promise<void> {
  const [info, analysis] = await Promise.all([fetchInfo(), fetchAnalysis()]);
  document.documentElement.style.setProperty('--shell', SHELL_CSS);
  renderFile(byId('file'), info);

  const ionsInput = byId<HTMLInputElement>('ions-input');
  const shellInput = byId<HTMLInputElement>('shell-input');
  const cutoffInput = byId<HTMLInputElement>('cutoff-input');
  const solventToggle = byId<HTMLInputElement>('solvent-toggle');
  const formError = byId('form-error');
  ionsInput.value = info.solvation.ions;
  shellInput.value = info.solvation.shell;
  cutoffInput.value = info.solvation.cutoff;

  let solvation = await Solvation.load(info.solvation);
  fillChoices(byId('ions-choices'), ionChoices(info, solvation.setup.ions.atoms));
  fillChoices(byId('shell-choices'), [info.solvation.shell, 'element O', 'all']);
  const [view, plots] = await Promise.all([createMolView(byId('viewer'), { pdb: apiUrl('topology.pdb'), dcd: apiUrl('trajectory.dcd') }), embedPlots(byId('plots'), analysis, info)]);
  followHover(view.plugin, byId('hover'));
  const panel = new SolvationPanel(plots.solvationSlot);
  let shown: { solvation: Solvation; fs: FrameSolvation } | null = null;
  const picks = new Picks(view, () => ({ frame: state.frame, setup: shown?.solvation.setup ?? null, shells: shown?.fs ?? null }));

  const label = byId<HTMLOutputElement>('frame-label');
  const frameInput = byId<HTMLInputElement>('frame-input');
  frameInput.max = String(info.frames - 1);
  const pdbLink = byId<HTMLAnchorElement>('export-pdb');
  const xyzLink = byId<HTMLAnchorElement>('export-xyz');

  const applySetup = (s: Solvation) => {
    const ionCss = elementCss(info.elements[s.setup.ions.atoms[0]] ?? '');
    renderLegend(byId('legend'), s.setup, ionCss, state.showSolvent);
    renderAbout(byId('about'), info, s.setup);
    panel.setSetup(s.setup);
    void plots.setCutoffs(s.setup).catch(showError);
    void drawTimeline(plots, panel, s, () => solvation === s, () => state.frame, info, () => {
      if (shown?.solvation === s) panel.show(shown.fs);
    }).catch(showError);
  };
  applySetup(solvation);

  const show = async (frame: number) => {
    const s = solvation;
    const fs = await s.frame(frame);
    const modelIndex = await view.show(frame, sceneOf(info, s, fs, state.showSolvent));
    shown = { solvation: s, fs };
    const stamp = info.stamps[frame];
    panel.show(fs);
    await plots.showFrame(frame, stamp?.timePs ?? null);
    label.value = frameLabel(info, frame);
    if (document.activeElement !== frameInput) frameInput.value = String(frame);
    pdbLink.href = frameDownloadUrl(frame, 'pdb');
    xyzLink.href = frameDownloadUrl(frame, 'xyz');
    Object.assign(state, {
      frame,
      step: stamp?.step ?? null,
      timePs: stamp?.timePs ?? null,
      modelIndex,
      setup: { ...s.choice, kinds: s.setup.kinds.map((k) => ({ name: k.name, cutoffA: k.cutoffA })), anions: s.setup.anions },
      classes: fs.ions.map((i) => ({ atom: i.atom, class: i.class })),
      partnerAtoms: fs.partnerAtoms,
      contactAtoms: fs.contactAtoms,
      drawn: view.drawn(),
    });
    await picks.frameShown(frame);
  };
  await show(0);
  const controls = new FrameControls(byId('frame-slider'), byId('play'), info.frames, show, showError);

  // Jump to a frame: Enter (or leaving the box) in the frame box.
  frameInput.addEventListener('change', () => {
    const k = Number(frameInput.value);
    if (frameInput.value.trim() !== '' && Number.isFinite(k)) controls.goTo(k);
  });
  const speed = byId<HTMLSelectElement>('speed');
  speed.replaceChildren(...SPEEDS.map((fps) => new Option(`${fps} frames/s`, String(fps), fps === DEFAULT_FPS, fps === DEFAULT_FPS)));
  speed.addEventListener('change', () => (controls.fps = Number(speed.value)));

  // Ions, shell atoms and cutoffs: the server checks them; a refusal is shown and the view kept.
  byId<HTMLFormElement>('solvation-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const choice = { ions: ionsInput.value.trim(), shell: shellInput.value.trim(), cutoff: cutoffInput.value.trim() };
    Solvation.load(choice).then(
      (s) => {
        state.formError = null;
        formError.hidden = true;
        solvation = s;
        applySetup(s);
        controls.redraw();
      },
      (e: unknown) => {
        if (!(e instanceof ApiError)) return showError(e);
        state.formError = e.message;
        formError.textContent = e.message;
        formError.hidden = false;
      },
    );
  });
  solventToggle.addEventListener('change', () => {
    state.showSolvent = solventToggle.checked;
    renderLegend(byId('legend'), solvation.setup, elementCss(info.elements[solvation.setup.ions.atoms[0]] ?? ''), state.showSolvent);
    controls.redraw();
  });

  byId('export-png').addEventListener('click', () => {
    const scale = Number(byId<HTMLSelectElement>('png-scale').value) || 1;
    view.png(scale).then((uri) => download(uri, `${baseName(info.file)}-frame${state.frame}.png`), showError);
  });
  window.mdpostScreen = (atom) => view.screenPosition(atom);
  state.ready = true;
}

/** The run's plot and the panel's whole-run numbers, once the server has gone through every frame. */
async function drawTimeline(plots: Plots, panel: SolvationPanel, s: Solvation, current: () => boolean, frame: () => number, info: ViewInfo, refresh: () => void): Promise<void> {
  const timeline = await s.timeline();
  if (!current()) return;
  await plots.setTimeline(s.setup, timeline);
  panel.setTimeline(timeline);
  refresh();
  const k = frame();
  await plots.showFrame(k, info.stamps[k]?.timePs ?? null);
}

/** Metal cations a user may want to highlight instead of the default. */
const CATION_ELEMENTS = ['Li', 'Na', 'K', 'Rb', 'Cs', 'Mg', 'Ca', 'Zn', 'Al'];
/** Beyond this many ions the list does not offer each one alone. */
const MAX_SINGLE_CHOICES = 64;

/** What the highlight box offers: the default, each of its ions alone, the other cation elements. */
function ionChoices(info: ViewInfo, defaultAtoms: readonly number[]): string[] {
  const base = info.solvation.ions;
  const singles = defaultAtoms.length <= MAX_SINGLE_CHOICES ? defaultAtoms.map((a) => `${base} and index ${a}`) : [];
  const others = CATION_ELEMENTS.filter((e) => e !== base && info.elements.includes(e));
  return [base, ...singles, ...others];
}

function fillChoices(list: HTMLElement, values: string[]): void {
  list.replaceChildren(...[...new Set(values)].map((v) => new Option(v, v)));
}

function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

function baseName(file: string): string {
  return (file.split(/[\\/]/).pop() ?? 'view').replace(/\.gz$/i, '').replace(/\.[^.]*$/, '') || 'view';
}

main().catch(showError);

import { renderAbout, renderFile, renderLegend } from './about.js';
import { apiUrl, fetchAnalysis, fetchInfo, ShellCache } from './api.js';
import { SHELL_CSS } from './colors.js';
import { CoordinationPanel } from './coordination.js';
import { FrameControls, frameLabel } from './frames.js';
import { createMolView, elementCss, followHover } from './molstar-view.js';
import { embedPlots } from './plots.js';

/** What the page shows now, for tests and for a look from the console (window.mdpost). */
export interface PageState {
  /** Mol* has loaded the structure, the plots are embedded and the first frame is shown. */
  ready: boolean;
  frame: number;
  step: number | null;
  timePs: number | null;
  shellAtoms: number[];
  /** The trajectory frame Mol*'s model was built from (equal to `frame` once shown). */
  modelIndex?: number;
  /** Why the page stopped, if it did. */
  error: string | null;
}

declare global {
  interface Window {
    mdpost: PageState;
  }
}

const state: PageState = { ready: false, frame: 0, step: null, timePs: null, shellAtoms: [], error: null };
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

async function main(): Promise<void> {
  const [info, analysis] = await Promise.all([fetchInfo(), fetchAnalysis()]);
  document.documentElement.style.setProperty('--shell', SHELL_CSS);
  renderFile(byId('file'), info);
  renderLegend(byId('legend'), info, elementCss(info.elements[info.highlight.atoms[0]] ?? ''));
  renderAbout(byId('about'), info);

  const shells = new ShellCache();
  const [view, plots] = await Promise.all([
    createMolView(byId('viewer'), { pdb: apiUrl('topology.pdb'), dcd: apiUrl('trajectory.dcd') }, info.natoms, info.highlight.atoms),
    embedPlots(byId('plots'), analysis, info),
  ]);
  followHover(view.plugin, byId('hover'));
  const coordination = new CoordinationPanel(plots.coordinationSlot, info, analysis);
  const label = byId<HTMLOutputElement>('frame-label');
  const t0 = info.stamps[0]?.timePs ?? null;

  const show = async (frame: number) => {
    const shell = await shells.get(frame);
    const modelIndex = await view.showFrame(frame, shell.shellAtoms);
    const stamp = info.stamps[frame];
    coordination.show(shell);
    await plots.showTime(stamp?.timePs != null && t0 !== null ? stamp.timePs - t0 : null);
    label.value = frameLabel(info, frame);
    Object.assign(state, { frame, step: stamp?.step ?? null, timePs: stamp?.timePs ?? null, shellAtoms: shell.shellAtoms, modelIndex });
  };
  await show(0);
  new FrameControls(byId('frame-slider'), byId('play'), info.frames, show, showError);
  state.ready = true;
}

main().catch(showError);

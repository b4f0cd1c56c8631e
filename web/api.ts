import type {
  AtomInfo,
  FrameShell,
  FrameSolvation,
  IonClass,
  KindSetup,
  Measurement,
  SelectionAnswer,
  SolvationSetup,
  SolvationTimeline,
  ViewAnalysis,
  ViewInfo,
} from '../src/viewer/api.js';

export type { AtomInfo, FrameShell, FrameSolvation, IonClass, KindSetup, Measurement, SelectionAnswer, SolvationSetup, SolvationTimeline, ViewAnalysis, ViewInfo };

/**
 * The server's API (src/viewer/api.ts). URLs are relative to the page, so the page also works
 * when served under a path prefix.
 */
export function apiUrl(path: string): string {
  return new URL(`api/${path}`, document.baseURI).href;
}

/** What the server refused, in its one line ("mdpost: error: …"). */
export class ApiError extends Error {}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(apiUrl(path));
  if (!res.ok) {
    const text = (await res.text()).trim();
    throw new ApiError(res.status === 400 && text ? text : `${path}: ${res.status} ${text}`);
  }
  return (await res.json()) as T;
}

export function fetchInfo(): Promise<ViewInfo> {
  return getJson<ViewInfo>('info');
}

/** The analysis beside the viewer, or null when the server has none (404). */
export async function fetchAnalysis(): Promise<ViewAnalysis | null> {
  const res = await fetch(apiUrl('analysis'));
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`analysis: ${res.status} ${(await res.text()).trim()}`);
  return (await res.json()) as ViewAnalysis;
}

export function fetchAtom(index: number): Promise<AtomInfo> {
  return getJson<AtomInfo>(`atom?index=${index}`);
}

export function fetchMeasurement(frame: number, atoms: readonly number[]): Promise<Measurement> {
  return getJson<Measurement>(`measure?frame=${frame}&atoms=${atoms.join(',')}`);
}

/** The ions, shell atoms and cutoffs the page asks for (empty: the server's default). */
export interface SolvationChoice {
  ions: string;
  shell: string;
  cutoff: string;
}

function query(c: SolvationChoice): string {
  return new URLSearchParams({ ions: c.ions, shell: c.shell, cutoff: c.cutoff }).toString();
}

/**
 * One choice of ions, shell atoms and cutoffs: its setup, and its shells by frame, each frame
 * asked for once (playing a second time costs no requests).
 */
export class Solvation {
  private readonly frames = new Map<number, Promise<FrameSolvation>>();
  private timelineMemo: Promise<SolvationTimeline> | null = null;

  private constructor(
    readonly choice: SolvationChoice,
    readonly setup: SolvationSetup,
  ) {}

  /** Throws ApiError with the server's line when it refuses the choice. */
  static async load(choice: SolvationChoice): Promise<Solvation> {
    return new Solvation(choice, await getJson<SolvationSetup>(`solvation/setup?${query(choice)}`));
  }

  frame(frame: number): Promise<FrameSolvation> {
    let s = this.frames.get(frame);
    if (!s) {
      s = getJson<FrameSolvation>(`solvation/frame?frame=${frame}&${query(this.choice)}`);
      // A failed request is not remembered, so the frame can be asked for again.
      s.catch(() => this.frames.delete(frame));
      this.frames.set(frame, s);
    }
    return s;
  }

  timeline(): Promise<SolvationTimeline> {
    return (this.timelineMemo ??= getJson<SolvationTimeline>(`solvation/timeline?${query(this.choice)}`));
  }
}

/** Where the current frame downloads from (the server writes it from the positions as read). */
export function frameDownloadUrl(frame: number, format: 'pdb' | 'xyz'): string {
  return apiUrl(`frame.${format}?frame=${frame}`);
}

import type { FrameShell, ViewAnalysis, ViewInfo } from '../src/viewer/api.js';

export type { FrameShell, ViewAnalysis, ViewInfo };

/**
 * The server's API (src/viewer/api.ts). URLs are relative to the page, so the page also works
 * when served under a path prefix.
 */
export function apiUrl(path: string): string {
  return new URL(`api/${path}`, document.baseURI).href;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(apiUrl(path));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).trim()}`);
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

/** First shells by frame; each frame is asked for once, so playing a second time costs no requests. */
export class ShellCache {
  private readonly shells = new Map<number, Promise<FrameShell>>();

  get(frame: number): Promise<FrameShell> {
    let s = this.shells.get(frame);
    if (!s) {
      s = getJson<FrameShell>(`shell?frame=${frame}`);
      // A failed request is not remembered, so the frame can be asked for again.
      s.catch(() => this.shells.delete(frame));
      this.shells.set(frame, s);
    }
    return s;
  }
}

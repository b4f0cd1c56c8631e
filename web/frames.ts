import type { ViewInfo } from './api.js';
import { formatPs } from './format.js';

/** Playing speeds offered, frames a second (fewer when Mol* needs longer per frame). */
export const SPEEDS = [1, 2, 5, 10, 20, 30];
export const DEFAULT_FPS = 10;

/** "frame 200 / 400 · step 100000 · 100.0 ps", with the file's frame when frames were skipped. */
export function frameLabel(info: ViewInfo, frame: number): string {
  const s = info.stamps[frame];
  const parts = [`frame ${frame} / ${info.frames - 1}`];
  if (s && s.index !== frame) parts.push(`file frame ${s.index}`);
  parts.push(s?.step != null ? `step ${s.step}` : 'step ?');
  parts.push(s?.timePs != null ? formatPs(s.timePs) : 'time ?');
  return parts.join(' · ');
}

/**
 * The slider, play button, speed and frame box. Frames are shown one at a time: a request made
 * while a frame is being shown replaces any request still waiting, so dragging the slider skips
 * to where it stops instead of queueing every frame it passed.
 */
export class FrameControls {
  private playing = false;
  private busy = false;
  private pending: number | null = null;
  private shown = 0;
  fps = DEFAULT_FPS;

  constructor(
    private readonly slider: HTMLInputElement,
    private readonly playButton: HTMLButtonElement,
    private readonly frames: number,
    private readonly show: (frame: number) => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {
    slider.min = '0';
    slider.max = String(frames - 1);
    slider.step = '1';
    slider.value = '0';
    slider.disabled = frames < 2;
    playButton.disabled = frames < 2;
    slider.addEventListener('input', () => this.request(Number(slider.value)));
    playButton.addEventListener('click', () => this.setPlaying(!this.playing));
    this.renderButton();
  }

  private request(frame: number): void {
    this.pending = frame;
    void this.pump();
  }

  /** Jump to a frame (the frame box); out of range is clamped. */
  goTo(frame: number): void {
    this.request(Math.max(0, Math.min(this.frames - 1, Math.round(frame))));
  }

  /** Draw the frame shown (or being shown) again, after the view's choices changed. */
  redraw(): void {
    this.request(this.pending ?? this.shown);
  }

  private setPlaying(on: boolean): void {
    this.playing = on;
    this.renderButton();
    if (on) this.request((Number(this.slider.value) + 1) % this.frames);
  }

  private renderButton(): void {
    this.playButton.textContent = this.playing ? '❚❚ Pause' : '▶ Play';
    this.playButton.setAttribute('aria-pressed', String(this.playing));
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending !== null) {
        const frame = this.pending;
        this.pending = null;
        const started = performance.now();
        this.shown = frame;
        await this.show(frame);
        // While the slider is being dragged it already holds the newer request; leave it there.
        if (this.pending === null) this.slider.value = String(frame);
        if (this.playing && this.pending === null) {
          // Not faster than the speed chosen, nor than the browser draws (Mol* draws in animation frames).
          await Promise.all([sleep(1000 / this.fps - (performance.now() - started)), afterPaint()]);
          // Playing loops; a slider move made meanwhile wins.
          if (this.playing && this.pending === null) this.pending = (frame + 1) % this.frames;
        }
      }
    } catch (e) {
      this.pending = null;
      this.setPlaying(false);
      this.onError(e);
    } finally {
      this.busy = false;
    }
  }
}

/** After the next animation frame has been drawn (a second requestAnimationFrame comes after it). */
function afterPaint(): Promise<void> {
  return new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, Math.max(0, ms)));
}

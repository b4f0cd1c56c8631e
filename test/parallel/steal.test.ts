import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxFromVectors } from '../../src/model/box.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import type { Plan } from '../../src/pipeline/plan.js';
import { planOf as planWith } from '../support/analyze.js';
import { cutPiece, SliceControl, steal } from '../../src/parallel/steal.js';
import type { Slice } from '../../src/parallel/slices.js';
import { planSlices } from '../../src/parallel/slices.js';
import { tempFile } from '../support/io.js';
import { writeExtxyz, writeLammpsDump, type SyntheticFrame } from '../support/write.js';

/** 60 frames of 7 atoms moving a little each frame. */
function frames(): { elements: string[]; frames: SyntheticFrame[] } {
  const box = boxFromVectors([12, 0, 0, 0, 12, 0, 0, 0, 12]);
  const elements = ['Na', 'O', 'O', 'H', 'H', 'Na', 'O'];
  const out: SyntheticFrame[] = [];
  for (let k = 0; k < 60; k++) out.push({ box, positions: Float64Array.from({ length: 21 }, (_, j) => 1 + j * 0.5 + 0.37 * k * ((j % 3) - 1)) });
  return { elements, frames: out };
}

const files = () => {
  const { elements, frames: f } = frames();
  return { 'LAMMPS dump (frame markers and steps)': writeLammpsDump('steal.lammpstrj', elements, f), 'extended XYZ (frames counted by lines)': writeExtxyz('steal.extxyz', elements, f) };
};

async function planOf(file: string): Promise<Plan> {
  return planWith(file, { rdf: ['Na,O'], dt: '1', msd: ['Na'] });
}

/** Byte offset, number and line of every frame start, as a whole read of the file sees them. */
async function frameStarts(plan: Plan) {
  const reader = await TrajectoryReader.open(plan.spec.file, { format: plan.format });
  const starts = [{ offset: 0, frame: 0, line: 1 as number | null }];
  for await (const _ of reader.frames()) starts.push({ ...reader.next });
  starts.pop(); // the end of the file
  return starts;
}

/** Frame numbers a reader delivers from a slice, the reader stopping where the control says. */
async function foldNumbers(plan: Plan, slice: Slice, control: SliceControl, perFrame?: () => Promise<void>): Promise<number[]> {
  const reader = await TrajectoryReader.open(plan.spec.file, { format: plan.format, range: slice, parserState: plan.parserState, topologyKnown: true });
  const seen: number[] = [];
  for await (const frame of reader.frames()) {
    seen.push(frame.index);
    await control.afterFrame(plan, reader.next, (offset) => reader.stopAt(offset));
    await perFrame?.();
  }
  control.close();
  return seen;
}

describe('cutting the rest of a slice in two (work stealing)', () => {
  for (const [name, file] of Object.entries(files())) {
    it(`${name}: the piece starts at the first frame past the middle, with its number and line`, async () => {
      const plan = await planOf(file);
      const starts = await frameStarts(plan);
      const size = statSync(file).size;
      expect(starts).toHaveLength(60);
      for (const [from, end] of [[0, size], [7, size], [20, 41], [55, size]]) {
        const endOffset = end === size ? size : starts[end].offset;
        const piece = await cutPiece(plan, starts[from], endOffset, 1);
        const middle = starts[from].offset + (endOffset - starts[from].offset) / 2;
        const expected = starts.find((s) => s.offset >= middle)!;
        expect(piece).toEqual({ start: expected.offset, end: endOffset, firstFrame: expected.frame, firstLine: plan.format === 'lammps-dump' ? null : expected.line });
      }
    });
  }

  it('XYZ whose atom count changes: no cut where N + 2 lines per frame do not land on a count line', async () => {
    // 20 frames of 3 atoms, then 20 of 4: counting 5 lines per frame goes wrong in the second half.
    const frame = (n: number, k: number) => `${n}\nframe ${k}\n` + Array.from({ length: n }, (_, i) => `O ${i + 0.1 * k} 1 1\n`).join('');
    const text = Array.from({ length: 40 }, (_, k) => frame(k < 20 ? 3 : 4, k)).join('');
    const file = tempFile('growing.xyz', text);
    const plan = await planWith(file, { box: '10 10 10', rdf: ['O,O'] });
    const size = statSync(file).size;
    const start = { offset: 0, frame: 0, line: 1 };
    expect(await cutPiece(plan, start, size, 1)).toBeNull();
    expect(await planSlices(plan, 2, 1)).toBeNull();
    // Within the first half the count lines are where they should be.
    const end = text.indexOf('4\nframe 20\n');
    const k = Array.from({ length: 20 }, (_, j) => j).find((j) => text.indexOf(`3\nframe ${j}\n`) >= end / 2)!;
    expect(await cutPiece(plan, start, end, 1)).toEqual({ start: text.indexOf(`3\nframe ${k}\n`), end, firstFrame: k, firstLine: 5 * k + 1 });
  });

  it('refuses when less than two pieces of the minimum size are left', async () => {
    const plan = await planOf(files()['LAMMPS dump (frame markers and steps)']);
    const starts = await frameStarts(plan);
    const left = starts[50].offset - starts[40].offset;
    expect(await cutPiece(plan, starts[40], starts[50].offset, left / 2 + 1)).toBeNull();
    expect(await cutPiece(plan, starts[40], starts[50].offset, left / 2 - 1)).not.toBeNull();
  });
});

describe('an idle thread takes the second half of a busy slice', () => {
  for (const [name, file] of Object.entries(files())) {
    it(`${name}: the busy reader stops at the piece, and the two read every frame once`, async () => {
      const plan = await planOf(file);
      const whole: Slice = { start: 0, end: statSync(file).size, firstFrame: 0, firstLine: 1 };
      const busy = SliceControl.create(whole, 1);
      // The busy thread reads slowly; the idle one asks once it has read a few frames.
      const busyRead = foldNumbers(plan, whole, busy, () => new Promise((r) => setTimeout(r, 2)));
      await new Promise((r) => setTimeout(r, 20));
      const piece = await busy.request();
      expect(piece).not.toBeNull();
      expect(busy.end).toBe(piece!.start);
      const thief = SliceControl.create(piece!, 1);
      const stolen = await foldNumbers(plan, piece!, thief);
      const kept = await busyRead;
      expect(kept[0]).toBe(0);
      expect(stolen[0]).toBe(kept[kept.length - 1] + 1);
      expect([...kept, ...stolen]).toEqual(Array.from({ length: 60 }, (_, k) => k));
      expect(stolen.length).toBeGreaterThan(10); // about half of what was left
    });
  }

  it('a slice that has ended, or refused once, is not asked again; a request pending at the end is refused', async () => {
    const plan = await planOf(files()['LAMMPS dump (frame markers and steps)']);
    const whole: Slice = { start: 0, end: statSync(plan.spec.file).size, firstFrame: 0, firstLine: 1 };
    const ended = SliceControl.create(whole, 1);
    await foldNumbers(plan, whole, ended);
    expect(ended.open).toBe(false);
    expect(await ended.request()).toBeNull();

    const tooSmall = SliceControl.create(whole, whole.end); // no piece is ever big enough
    const reading = foldNumbers(plan, whole, tooSmall, () => new Promise((r) => setTimeout(r, 1)));
    await new Promise((r) => setTimeout(r, 10));
    expect(await tooSmall.request()).toBeNull();
    expect(tooSmall.open).toBe(false);
    expect(await reading).toHaveLength(60);

    const pending = SliceControl.create(whole, 1);
    const asked = pending.request(); // nobody reads this slice: the request waits…
    pending.close(); // …until the slice ends
    expect(await asked).toBeNull();
  });

  it('a second idle thread passes over a slice already answering the first, and asks the next one', async () => {
    const plan = await planOf(files()['LAMMPS dump (frame markers and steps)']);
    const size = statSync(plan.spec.file).size;
    const cut = (await frameStarts(plan))[45].offset;
    const first: Slice = { start: 0, end: cut, firstFrame: 0, firstLine: 1 };
    const second: Slice = { start: cut, end: size, firstFrame: 45, firstLine: null };
    const busy = SliceControl.create(first, 1), other = SliceControl.create(second, 1);
    expect(busy.remaining).toBeGreaterThan(other.remaining);
    const pending = busy.request(); // the first idle thread waits on `busy` (nobody reads it yet)
    expect(await busy.request()).toBeNull(); // a second request is not taken…
    // …so the second idle thread, which finds `busy` fuller, goes on to `other` and gets a piece.
    const reading = foldNumbers(plan, second, other, () => new Promise((r) => setTimeout(r, 1)));
    const piece = await steal([busy, other]);
    expect(piece).not.toBeNull();
    expect(piece!.start).toBeGreaterThan(cut);
    busy.close();
    expect(await pending).toBeNull();
    await reading;
    expect(await steal([busy, other])).toBeNull(); // both ended
  });
});

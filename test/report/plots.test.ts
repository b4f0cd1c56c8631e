import { describe, expect, it } from 'vitest';
import { RdfAccumulator } from '../../src/analysis/rdf.js';
import { finishRdf } from '../../src/analysis/rdf-shell.js';
import { orthorhombicBox } from '../../src/model/box.js';
import { rdfAnalysis, rdfPlotSpec } from '../../src/analyses/rdf.js';
import { renderSvg } from '../../src/report/plots.js';
import { uniform } from '../support/random.js';

describe('plots are Vega-Lite specs rendered to SVG in Node', () => {
  it(`vega and vega-lite load and render on this Node (${process.version}; they declare node ≥ 22)`, async () => {
    const u = uniform(5);
    const acc = new RdfAccumulator(Int32Array.from([0, 1, 2]), Int32Array.from({ length: 50 }, (_, i) => i), 5, 50);
    acc.add(Float64Array.from({ length: 150 }, () => 10 * u()), orthorhombicBox(10, 10, 10));
    const spec = rdfPlotSpec(rdfAnalysis.document.toJson([{ ...finishRdf(acc.state), a: 'Na', b: 'O' }])[0]);
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('g(r) and n(r): Na–O');
    expect(svg).toContain('r (Å)');
    expect(svg).toContain('n(r), running coordination number');
    expect(svg.match(/<path/g)!.length).toBeGreaterThan(3);
  });
});

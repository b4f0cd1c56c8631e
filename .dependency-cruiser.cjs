/**
 * The layers of mdpost and what each may import (ARCHITECTURE.md). `npm run check:imports`
 * (and a test) fails on any import that crosses them. From the bottom:
 *
 *   model      Frame, Box, Topology, units, errors           imports nothing of ours but model
 *   io         readers, formats, byte sources                 model
 *   topology   topology files (LAMMPS data, GRO, PDB)         model
 *   select     selections, molecules, unwrapping              model
 *   analysis   the science: pure functions, no I/O            model, select
 *   pipeline   the contracts, options, plan/fold/merge/finish model, io, select
 *   analyses   one module per analysis, the registry          model, analysis, select, pipeline, report helpers
 *   parallel   pool, slices, work stealing, worker tasks      model, io, pipeline, analyses
 *   run        analysing a file in threads, in parts          all of the above
 *   report     documents, text, HTML, CSV, plots              model, pipeline's contract (not its internals)
 *   batch, viewer, cli                                        on top; only cli handles the process
 * src/trace.ts (MDPOST_TRACE phase timings on stderr) and src/package-files.ts (where the package's
 * own files are) may be used by any layer.
 */
const layer = (name) => `^src/${name}/`;
// Any of our modules outside these folders (the phase trace and the package's files are everyone's).
const notIn = (...names) => `^src/(?!(${names.join('|')})/|(trace|package-files)\\.ts$)`;

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules import each other in a cycle', from: {}, to: { circular: true } },
    { name: 'model-alone', severity: 'error', comment: 'model is the bottom layer', from: { path: layer('model') }, to: { path: notIn('model') } },
    { name: 'io-reads-only', severity: 'error', comment: 'readers never compute: io imports only model', from: { path: layer('io') }, to: { path: notIn('model', 'io') } },
    { name: 'select-on-model', severity: 'error', from: { path: layer('select') }, to: { path: notIn('model', 'select') } },
    { name: 'topology-reads-only', severity: 'error', comment: 'topology files are read into plain data', from: { path: layer('topology') }, to: { path: notIn('model', 'topology') } },
    {
      name: 'science-is-pure',
      severity: 'error',
      comment: 'the science never reads files, the command line or the pool',
      from: { path: layer('analysis') },
      to: { path: notIn('model', 'select', 'analysis') },
    },
    {
      name: 'science-no-side-effects',
      severity: 'error',
      comment: 'science and analysis modules never touch files, threads or processes (the g(r) kernel loads its own WebAssembly code)',
      from: { path: '^src/(analysis|analyses|pipeline)/', pathNot: '^src/analysis/rdf-wasm\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|worker_threads|child_process|net|http|os|process)$' },
    },
    { name: 'pipeline-generic', severity: 'error', comment: 'the pipeline names no analysis and no pool', from: { path: layer('pipeline') }, to: { path: notIn('model', 'io', 'topology', 'select', 'pipeline') } },
    {
      name: 'analyses-below-run',
      severity: 'error',
      from: { path: layer('analyses') },
      to: { path: notIn('model', 'analysis', 'select', 'pipeline', 'analyses', 'report') },
    },
    {
      name: 'analyses-use-report-helpers-only',
      severity: 'error',
      comment: 'an analysis formats its own part of the report with the report helpers, not the writers',
      from: { path: layer('analyses') },
      to: { path: '^src/report/(?!(format|json-check|plots)\\.ts$)' },
    },
    { name: 'parallel-below-run', severity: 'error', from: { path: layer('parallel') }, to: { path: notIn('model', 'io', 'pipeline', 'analyses', 'parallel') } },
    {
      name: 'report-from-documents',
      severity: 'error',
      comment: "reports are made from results documents: never the pipeline's internals, the pool or the files' readers",
      from: { path: layer('report') },
      to: { path: ['^src/(io|select|parallel|run|batch|viewer|cli)/', '^src/pipeline/(?!(contract|finish|options)\\.ts$)'] },
    },
    { name: 'library-not-cli', severity: 'error', comment: 'only the commands use the command line', from: { path: notIn('cli') }, to: { path: layer('cli') } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Our modules and node's own (to see which touch files, threads and processes).
    includeOnly: { path: ['^src/', '^(node:)?[a-z_/]+$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

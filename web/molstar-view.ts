import { Vec3 } from 'molstar/lib/mol-math/linear-algebra.js';
import { Model } from 'molstar/lib/mol-model/structure.js';
import { createStructureRepresentationParams, type StructureRepresentationBuiltInProps } from 'molstar/lib/mol-plugin-state/helpers/structure-representation-params.js';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms.js';
import { PluginContext } from 'molstar/lib/mol-plugin/context.js';
import { DefaultPluginSpec } from 'molstar/lib/mol-plugin/spec.js';
import { MolScriptBuilder as MS } from 'molstar/lib/mol-script/language/builder.js';
import type { Expression } from 'molstar/lib/mol-script/language/expression.js';
import type { StateBuilder, StateObjectSelector } from 'molstar/lib/mol-state/index.js';
import { Color } from 'molstar/lib/mol-util/color/index.js';
import { ElementSymbolColors } from 'molstar/lib/mol-theme/color/element-symbol.js';
import { SHELL_RGB } from './colors.js';

/**
 * The structure in Mol*, without Mol*'s own UI (the page has its controls): the PDB topology with
 * the DCD frames as one trajectory, the unit cell, the highlighted atoms as spheres, the current
 * first shell as larger balls in one strong colour, and every other atom as ball-and-stick
 * coloured by element.
 *
 * State tree (* marks the nodes that frame changes update):
 *   Download(pdb) → TrajectoryFromPDB → ModelFromTrajectory(0)      (topology)
 *   Download(dcd) → CoordinatesFromDcd                                (coordinates)
 *   TrajectoryFromModelAndCoordinates → ModelFromTrajectory(k)*
 *     ├ ModelUnitcell3D
 *     └ StructureFromModel ├ Component(all but highlighted) → ball-and-stick
 *                          ├ Component(highlighted)         → spacefill
 *                          └ Component(shell of frame k)*   → ball-and-stick, larger, amber
 * A frame change updates ModelFromTrajectory's modelIndex and the shell component's atoms in
 * one transaction, so the shell drawn always belongs to the frame drawn.
 */
export interface MolView {
  plugin: PluginContext;
  /** Show view frame `frame` with `shellAtoms` emphasised; resolves to the model index Mol* now shows. */
  showFrame(frame: number, shellAtoms: readonly number[]): Promise<number>;
}

/** Atoms by their 0-based index in the topology, which is Mol*'s source index (the row in the PDB). */
function atomsExpression(atoms: readonly number[]): Expression {
  return MS.struct.generator.atomGroups({
    'atom-test': MS.core.set.has([MS.set(...atoms), MS.struct.atomProperty.core.sourceIndex()]),
  });
}

function allBut(atoms: readonly number[]): Expression {
  return MS.struct.generator.atomGroups({
    'atom-test': MS.core.logic.not([MS.core.set.has([MS.set(...atoms), MS.struct.atomProperty.core.sourceIndex()])]),
  });
}

function componentParams(expression: Expression, label: string) {
  return { type: { name: 'expression' as const, params: expression }, nullIfEmpty: false, label };
}

/** Ref of the first shell's component, which exists only while the shell has atoms. */
const SHELL_REF = 'mdpost-first-shell';

const SHELL_LOOK: StructureRepresentationBuiltInProps = { type: 'ball-and-stick', typeParams: { sizeFactor: 0.42 }, color: 'uniform', colorParams: { value: Color(SHELL_RGB) } };

/** Element colours with carbon grey too (Mol*'s default colours carbon by chain, which means nothing here). */
const ELEMENT_COLORS = { color: 'element-symbol', colorParams: { carbonColor: { name: 'element-symbol', params: {} } } } as const;

/**
 * Add a component of some atoms, drawn one way. Never with no atoms: Mol* fits a representation's
 * parameters to the structure it is first applied to, and an empty one leaves it without a type.
 */
function addDrawn(plugin: PluginContext, build: StateBuilder.Root, structureRef: string, expression: Expression, label: string, look: StructureRepresentationBuiltInProps, ref?: string): void {
  build
    .to(structureRef)
    .apply(StateTransforms.Model.StructureComponent, componentParams(expression, label), { ref })
    .apply(StateTransforms.Representation.StructureRepresentation3D, createStructureRepresentationParams(plugin, undefined, look));
}

export async function createMolView(container: HTMLElement, urls: { pdb: string; dcd: string }, natoms: number, highlight: readonly number[]): Promise<MolView> {
  const plugin = new PluginContext({
    ...DefaultPluginSpec(),
    canvas3d: { renderer: { backgroundColor: Color(0xffffff) } },
  });
  await plugin.init();
  if (!(await plugin.mountAsync(container))) throw new Error('Mol* could not start: this browser gives no WebGL context');

  const T = StateTransforms;
  const load = plugin.build();
  const topology = load
    .toRoot()
    .apply(T.Data.Download, { url: urls.pdb, isBinary: false, label: 'topology.pdb' })
    .apply(T.Model.TrajectoryFromPDB)
    .apply(T.Model.ModelFromTrajectory, { modelIndex: 0 });
  const coordinates = load
    .toRoot()
    .apply(T.Data.Download, { url: urls.dcd, isBinary: true, label: 'trajectory.dcd' })
    .apply(T.Model.CoordinatesFromDcd);
  await load.commit();

  const build = plugin.build();
  const model = build
    .toRoot()
    .apply(T.Model.TrajectoryFromModelAndCoordinates, { modelRef: topology.ref, coordinatesRef: coordinates.ref }, { dependsOn: [topology.ref, coordinates.ref] })
    .apply(T.Model.ModelFromTrajectory, { modelIndex: 0 });
  // Grey, thinner than Mol*'s orange default, which would read as the shell's amber.
  model.apply(T.Representation.ModelUnitcell3D, { cellColor: Color(0x606060), cellScale: 1.2 });
  const structure = model.apply(T.Model.StructureFromModel, { type: { name: 'model', params: {} } });
  if (highlight.length < natoms) addDrawn(plugin, build, structure.ref, allBut(highlight), 'system', { type: 'ball-and-stick', ...ELEMENT_COLORS });
  if (highlight.length > 0) addDrawn(plugin, build, structure.ref, atomsExpression(highlight), 'highlighted', { type: 'spacefill', ...ELEMENT_COLORS, size: 'physical', sizeParams: { scale: 0.55 } });
  await build.commit();
  throwOnError(plugin, model.selector);
  viewObliquely(plugin);

  return {
    plugin,
    async showFrame(frame, shellAtoms) {
      const update = plugin.build();
      update.to(model.ref).update({ modelIndex: frame });
      const hasShell = plugin.state.data.tree.transforms.has(SHELL_REF);
      if (shellAtoms.length === 0) {
        if (hasShell) update.delete(SHELL_REF);
      } else if (hasShell) {
        update.to(SHELL_REF).update(componentParams(atomsExpression(shellAtoms), 'first shell'));
      } else {
        addDrawn(plugin, update, structure.ref, atomsExpression(shellAtoms), 'first shell', SHELL_LOOK, SHELL_REF);
      }
      await update.commit({ doNotLogTiming: true });
      throwOnError(plugin, model.selector);
      return Model.TrajectoryInfo.get(model.selector.data!).index;
    },
  };
}

/**
 * Look at the cell from above one corner rather than straight at a face, so that it reads as a
 * box. Mol*'s camera reset fits the scene; this only turns the direction it looks from.
 */
function viewObliquely(plugin: PluginContext): void {
  const dir = Vec3.normalize(Vec3(), Vec3.create(-0.55, -0.45, -1));
  plugin.canvas3d?.requestCameraReset({
    durationMs: 0,
    snapshot: (scene, camera) => camera.getFocus(scene.boundingSphereVisible.center, scene.boundingSphereVisible.radius, Vec3.create(0, 1, 0), dir),
  });
}

/** State updates report failures on the cells rather than by throwing. */
function throwOnError(plugin: PluginContext, cell: StateObjectSelector): void {
  for (const c of plugin.state.data.cells.values()) {
    if (c.status === 'error') throw new Error(`Mol*: ${c.errorText ?? 'a state update failed'}`);
  }
  if (!cell.isOk) throw new Error('Mol*: the trajectory did not load');
}

/** Mol*'s label of what is under the mouse, as plain text (Mol* writes labels as small HTML, lines split by </br>). */
export function followHover(plugin: PluginContext, target: HTMLElement): void {
  const parser = new DOMParser();
  const text = (html: string) => parser.parseFromString(html.replace(/<\/?br\s*\/?>/gi, ' · '), 'text/html').body.textContent ?? '';
  plugin.behaviors.labels.highlight.subscribe(({ labels }) => {
    target.textContent = labels.filter((l): l is string => typeof l === 'string').map(text).join(' · ');
  });
}

/** Mol*'s default colour of an element, as CSS (for the legend). */
export function elementCss(element: string): string {
  const c = (ElementSymbolColors as Record<string, Color | undefined>)[element.toUpperCase()];
  return c === undefined ? 'gray' : Color.toHexStyle(c);
}

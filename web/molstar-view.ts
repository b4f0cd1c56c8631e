import { Vec3, Vec4 } from 'molstar/lib/mol-math/linear-algebra.js';
import { Model, Structure, StructureElement, StructureProperties, StructureSelection } from 'molstar/lib/mol-model/structure.js';
import { PluginBehaviors } from 'molstar/lib/mol-plugin/behavior.js';
import { StructureFocusRepresentation } from 'molstar/lib/mol-plugin/behavior/dynamic/selection/structure-focus-representation.js';
import { createStructureRepresentationParams, type StructureRepresentationBuiltInProps } from 'molstar/lib/mol-plugin-state/helpers/structure-representation-params.js';
import { StateTransforms } from 'molstar/lib/mol-plugin-state/transforms.js';
import { PluginContext } from 'molstar/lib/mol-plugin/context.js';
import { DefaultPluginSpec } from 'molstar/lib/mol-plugin/spec.js';
import { MolScriptBuilder as MS } from 'molstar/lib/mol-script/language/builder.js';
import type { Expression } from 'molstar/lib/mol-script/language/expression.js';
import { Script } from 'molstar/lib/mol-script/script.js';
import { Task } from 'molstar/lib/mol-task/index.js';
import type { StateBuilder, StateObjectSelector } from 'molstar/lib/mol-state/index.js';
import { Color } from 'molstar/lib/mol-util/color/index.js';
import { ElementSymbolColors } from 'molstar/lib/mol-theme/color/element-symbol.js';
import type { IonClass } from './api.js';
import { CLASS_RGB, SHELL_RGB } from './colors.js';

/**
 * The structure in Mol*, without Mol*'s own UI (the page has its controls): the PDB topology with
 * the DCD frames as one trajectory, the unit cell, and components of atoms, each drawn one way:
 *
 *   rest       every atom not highlighted (the solvent left out when it is hidden): ball-and-stick, element colours
 *   ions       highlighted atoms without an ion-pair class: spheres, element colours
 *   SSIP/CIP/AGG  highlighted cations of each class at this frame: spheres in the class colour
 *   partners   every atom of the shell partners at this frame (whole molecules): larger ball-and-stick, element colours
 *   contacts   the partners' shell atoms within the cutoff: larger still, amber
 *
 * State tree (* marks what a frame changes):
 *   Download(pdb) → TrajectoryFromPDB → ModelFromTrajectory(0)      (topology)
 *   Download(dcd) → CoordinatesFromDcd                                (coordinates)
 *   TrajectoryFromModelAndCoordinates → ModelFromTrajectory(k)*
 *     ├ ModelUnitcell3D
 *     └ StructureFromModel ├ Component(rest) …, Component(SSIP)*, …, Component(contacts)*
 * A frame updates the model's index and the components whose atoms changed in one transaction,
 * so what is drawn always belongs to the frame drawn. A component exists only while it has
 * atoms: Mol* fits a representation to the structure it is first applied to, and an empty one
 * leaves it without a type.
 */
export interface Scene {
  rest: readonly number[];
  ions: readonly number[];
  classes: Record<IonClass, readonly number[]>;
  partners: readonly number[];
  contacts: readonly number[];
}

export type ComponentName = keyof Omit<Scene, 'classes'> | IonClass;

export interface MolView {
  plugin: PluginContext;
  /** Show view frame `frame` drawn as `scene`; resolves to the model index Mol* now shows. */
  show(frame: number, scene: Scene): Promise<number>;
  /** The atoms Mol* draws in each component now, read back from its state (for tests and checks). */
  drawn(): Record<ComponentName, number[]>;
  /** Atom (0-based index) of a Mol* location, or null. */
  atomOf(loci: unknown): number | null;
  /** Mol*'s measurement between picked atoms: a distance for two, an angle for three. */
  measure(atoms: readonly number[]): Promise<void>;
  clearMeasurements(): Promise<void>;
  /** Distances and angles Mol*'s measurement manager holds now. */
  measurementCount(): number;
  /** The 3D view as PNG, `scale` times the viewport's size. */
  png(scale: number): Promise<string>;
  /** Where an atom is drawn: page coordinates (CSS pixels) and its depth (0 near … 1 far); null when not drawn. */
  screenPosition(atom: number): { x: number; y: number; depth: number } | null;
}

/** Atoms by their 0-based index in the topology, which is Mol*'s source index (the row in the PDB). */
function atomsExpression(atoms: readonly number[]): Expression {
  return MS.struct.generator.atomGroups({
    'atom-test': MS.core.set.has([MS.set(...atoms), MS.struct.atomProperty.core.sourceIndex()]),
  });
}

function componentParams(atoms: readonly number[], label: string) {
  return { type: { name: 'expression' as const, params: atomsExpression(atoms) }, nullIfEmpty: false, label };
}

/** Element colours with carbon grey too (Mol*'s default colours carbon by chain, which means nothing here). */
const ELEMENT_COLORS = { color: 'element-symbol', colorParams: { carbonColor: { name: 'element-symbol', params: {} } } } as const;
const SPHERE = { type: 'spacefill', size: 'physical', sizeParams: { scale: 0.55 } } as const;

const LOOKS: Record<ComponentName, StructureRepresentationBuiltInProps> = {
  rest: { type: 'ball-and-stick', ...ELEMENT_COLORS },
  ions: { ...SPHERE, ...ELEMENT_COLORS },
  SSIP: { ...SPHERE, color: 'uniform', colorParams: { value: Color(CLASS_RGB.SSIP) } },
  CIP: { ...SPHERE, color: 'uniform', colorParams: { value: Color(CLASS_RGB.CIP) } },
  AGG: { ...SPHERE, color: 'uniform', colorParams: { value: Color(CLASS_RGB.AGG) } },
  partners: { type: 'ball-and-stick', typeParams: { sizeFactor: 0.3 }, ...ELEMENT_COLORS },
  contacts: { type: 'ball-and-stick', typeParams: { sizeFactor: 0.42 }, color: 'uniform', colorParams: { value: Color(SHELL_RGB) } },
};
const LABELS: Record<ComponentName, string> = { rest: 'system', ions: 'highlighted', SSIP: 'SSIP cations', CIP: 'CIP cations', AGG: 'AGG cations', partners: 'shell partners', contacts: 'shell contacts' };
const NAMES = Object.keys(LOOKS) as ComponentName[];
const refOf = (name: ComponentName) => `mdpost-${name}`;

function atomsOf(scene: Scene, name: ComponentName): readonly number[] {
  return name === 'SSIP' || name === 'CIP' || name === 'AGG' ? scene.classes[name] : scene[name];
}

function sameAtoms(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Mol*'s behaviours, less those that act on a click by moving the camera and drawing the clicked
 * residue's surroundings: here a click picks an atom (described beside the view, and measured).
 */
function behaviours() {
  const drop = new Set<unknown>([PluginBehaviors.Representation.FocusLoci, PluginBehaviors.Camera.FocusLoci, StructureFocusRepresentation]);
  return DefaultPluginSpec().behaviors.filter((b) => !drop.has(b.transformer));
}

export async function createMolView(container: HTMLElement, urls: { pdb: string; dcd: string }): Promise<MolView> {
  const plugin = new PluginContext({
    ...DefaultPluginSpec(),
    behaviors: behaviours(),
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
  await build.commit();
  throwOnError(plugin, model.selector);
  let cameraSet = false;
  let imagePass: ReturnType<NonNullable<PluginContext['canvas3d']>['getImagePass']> | null = null;

  /** The atoms each component was last given. */
  const applied = new Map<ComponentName, readonly number[]>();

  const addDrawn = (update: StateBuilder.Root, name: ComponentName, atoms: readonly number[]) => {
    update
      .to(structure.ref)
      .apply(T.Model.StructureComponent, componentParams(atoms, LABELS[name]), { ref: refOf(name) })
      .apply(T.Representation.StructureRepresentation3D, createStructureRepresentationParams(plugin, undefined, LOOKS[name]));
  };

  const currentStructure = (): Structure => {
    const s = plugin.state.data.cells.get(structure.ref)?.obj?.data as Structure | undefined;
    if (!s) throw new Error('Mol*: no structure');
    return s;
  };

  const lociOf = (atom: number) => StructureSelection.toLociWithSourceUnits(Script.getStructureSelection(atomsExpression([atom]), currentStructure()));

  return {
    plugin,
    async show(frame, scene) {
      const update = plugin.build();
      update.to(model.ref).update({ modelIndex: frame });
      for (const name of NAMES) {
        const atoms = atomsOf(scene, name);
        const ref = refOf(name);
        const has = plugin.state.data.tree.transforms.has(ref);
        if (atoms.length === 0) {
          if (has) update.delete(ref);
        } else if (!has) addDrawn(update, name, atoms);
        else if (!sameAtoms(applied.get(name), atoms)) update.to(ref).update(componentParams(atoms, LABELS[name]));
        applied.set(name, atoms);
      }
      await update.commit({ doNotLogTiming: true });
      throwOnError(plugin, model.selector);
      if (!cameraSet) {
        viewObliquely(plugin);
        cameraSet = true;
      }
      return Model.TrajectoryInfo.get(model.selector.data!).index;
    },
    drawn() {
      return Object.fromEntries(NAMES.map((name) => [name, componentAtoms(plugin, refOf(name))])) as Record<ComponentName, number[]>;
    },
    atomOf(loci) {
      if (!StructureElement.Loci.is(loci) || StructureElement.Loci.isEmpty(loci)) return null;
      const location = StructureElement.Loci.getFirstLocation(loci);
      return location ? StructureProperties.atom.sourceIndex(location) : null;
    },
    async measure(atoms) {
      const m = plugin.managers.structure.measurement;
      const loci = atoms.map(lociOf);
      if (loci.length === 2) await m.addDistance(loci[0], loci[1]);
      else if (loci.length === 3) await m.addAngle(loci[0], loci[1], loci[2]);
    },
    measurementCount() {
      const s = plugin.managers.structure.measurement.state;
      return s.distances.length + s.angles.length;
    },
    async clearMeasurements() {
      const s = plugin.managers.structure.measurement.state;
      const cells = [...s.distances, ...s.angles];
      if (cells.length > 0) {
        const update = plugin.build();
        // Each measurement hangs from the selection of its atoms: removing that removes it.
        for (const c of cells) update.delete(c.transform.parent);
        await update.commit();
      }
      plugin.managers.interactivity.lociSelects.deselectAll();
    },
    screenPosition(atom) {
      const canvas3d = plugin.canvas3d;
      const canvas = container.querySelector('canvas');
      if (!canvas3d || !canvas) return null;
      const s = currentStructure();
      const location = StructureElement.Location.create(s);
      for (const unit of s.units) {
        location.unit = unit;
        for (let i = 0; i < unit.elements.length; i++) {
          location.element = unit.elements[i];
          if (StructureProperties.atom.sourceIndex(location) !== atom) continue;
          const p = Vec3.create(StructureProperties.atom.x(location), StructureProperties.atom.y(location), StructureProperties.atom.z(location));
          const w = canvas3d.camera.project(Vec4(), p);
          const rect = canvas.getBoundingClientRect();
          const vp = canvas3d.camera.viewport;
          const ratio = vp.width / rect.width;
          // Window coordinates count from the bottom left, in drawing-buffer pixels.
          return { x: rect.left + (w[0] - vp.x) / ratio, y: rect.top + rect.height - (w[1] - vp.y) / ratio, depth: w[2] };
        }
      }
      return null;
    },
    async png(scale) {
      const c = plugin.canvas3d;
      if (!c) throw new Error('Mol* has no canvas');
      const width = Math.round(c.webgl.gl.drawingBufferWidth * scale), height = Math.round(c.webgl.gl.drawingBufferHeight * scale);
      // The view as drawn (its lighting and occlusion), antialiased by 4 jittered renders — not
      // Mol*'s screenshot helper, whose 16 renders with 128-sample occlusion take minutes
      // without a GPU.
      const props = {
        transparentBackground: false,
        multiSample: { ...c.props.multiSample, mode: 'on' as const, sampleLevel: 2, reuseOcclusion: false },
        postprocessing: c.props.postprocessing,
        marking: c.props.marking,
        illumination: { ...c.props.illumination, enabled: false },
      };
      // One pass, kept: Mol* gives no way to free one.
      if (imagePass) imagePass.setProps(props);
      else imagePass = c.getImagePass(props);
      const pass = imagePass;
      plugin.animationLoop.stop({ noDraw: true });
      try {
        const image = await plugin.runTask(Task.create('PNG', async (ctx) => pass.getImageData(ctx, width, height)));
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const g = canvas.getContext('2d');
        if (!g) throw new Error('no 2D canvas for the PNG');
        g.putImageData(image, 0, 0);
        return canvas.toDataURL('image/png');
      } finally {
        plugin.animationLoop.start({ immediate: true });
      }
    },
  };
}

/** Source indices of a component's atoms, ascending (empty when the component does not exist). */
function componentAtoms(plugin: PluginContext, ref: string): number[] {
  const s = plugin.state.data.cells.get(ref)?.obj?.data as Structure | undefined;
  if (!s) return [];
  const out: number[] = [];
  const location = StructureElement.Location.create(s);
  for (const unit of s.units) {
    location.unit = unit;
    for (let i = 0; i < unit.elements.length; i++) {
      location.element = unit.elements[i];
      out.push(StructureProperties.atom.sourceIndex(location));
    }
  }
  return out.sort((a, b) => a - b);
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

/**
 * A minimal ONNX model writer: just the messages (ModelProto, GraphProto, NodeProto, …) and
 * fields an FSRCNN graph needs, encoded with protobufjs' wire-format writer. Field numbers
 * are those of onnx/onnx.proto.
 */
import pb from "protobufjs/minimal";

type Writer = pb.Writer;

/** ONNX TensorProto.DataType values we use. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** An attribute value, tagged by its ONNX type. */
export type Attr =
  | { int: number }
  | { ints: number[] }
  | { float: number }
  | { string: string };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
  name?: string;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

/** A dimension: a fixed size, or a symbolic name for a size known only at run time. */
export type Dim = number | string;

export interface OnnxValueInfo {
  name: string;
  dims: Dim[];
  elemType?: number;
}

export interface OnnxGraphSpec {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** The default-domain opset the graph is written for; default 17. */
  opset?: number;
}

const IR_VERSION = 8;
const OPSET = 17;

/** Encodes a complete ModelProto. */
export function encodeModel(
  graph: OnnxGraphSpec,
  producer = "fsrcnn-deno",
): Uint8Array {
  const w = pb.Writer.create();
  w.uint32(tag(1, 0)).int64(IR_VERSION);
  w.uint32(tag(2, 2)).string(producer);
  sub(w, 7, (g) => writeGraph(g, graph));
  sub(w, 8, (o) => {
    o.uint32(tag(1, 2)).string("");
    o.uint32(tag(2, 0)).int64(graph.opset ?? OPSET);
  });
  return w.finish();
}

function tag(field: number, wire: number): number {
  return (field << 3) | wire;
}

/** Writes a length-delimited sub-message. */
function sub(w: Writer, field: number, body: (w: Writer) => void): void {
  w.uint32(tag(field, 2)).fork();
  body(w);
  w.ldelim();
}

function writeGraph(w: Writer, g: OnnxGraphSpec): void {
  for (const n of g.nodes) sub(w, 1, (x) => writeNode(x, n));
  w.uint32(tag(2, 2)).string(g.name);
  for (const t of g.initializers) sub(w, 5, (x) => writeTensor(x, t));
  for (const v of g.inputs) sub(w, 11, (x) => writeValueInfo(x, v));
  for (const v of g.outputs) sub(w, 12, (x) => writeValueInfo(x, v));
}

function writeNode(w: Writer, n: OnnxNode): void {
  for (const i of n.inputs) w.uint32(tag(1, 2)).string(i);
  for (const o of n.outputs) w.uint32(tag(2, 2)).string(o);
  if (n.name) w.uint32(tag(3, 2)).string(n.name);
  w.uint32(tag(4, 2)).string(n.op);
  for (const [name, a] of Object.entries(n.attrs ?? {})) {
    sub(w, 5, (x) => writeAttr(x, name, a));
  }
}

function writeAttr(w: Writer, name: string, a: Attr): void {
  w.uint32(tag(1, 2)).string(name);
  if ("float" in a) {
    w.uint32(tag(2, 5)).float(a.float);
    w.uint32(tag(20, 0)).int32(1);
  } else if ("int" in a) {
    w.uint32(tag(3, 0)).int64(a.int);
    w.uint32(tag(20, 0)).int32(2);
  } else if ("string" in a) {
    w.uint32(tag(4, 2)).bytes(new TextEncoder().encode(a.string));
    w.uint32(tag(20, 0)).int32(3);
  } else {
    for (const v of a.ints) w.uint32(tag(8, 0)).int64(v);
    w.uint32(tag(20, 0)).int32(7);
  }
}

function writeTensor(w: Writer, t: OnnxInitializer): void {
  for (const d of t.dims) w.uint32(tag(1, 0)).int64(d);
  const isFloat = t.data instanceof Float32Array;
  w.uint32(tag(2, 0)).int32(isFloat ? DataType.FLOAT : DataType.INT64);
  w.uint32(tag(8, 2)).string(t.name);
  // raw_data is little-endian; so are the typed arrays on every platform Deno runs on.
  const bytes = new Uint8Array(
    t.data.buffer,
    t.data.byteOffset,
    t.data.byteLength,
  );
  w.uint32(tag(9, 2)).bytes(bytes);
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  w.uint32(tag(1, 2)).string(v.name);
  sub(w, 2, (type) =>
    sub(type, 1, (tensor) => {
      tensor.uint32(tag(1, 0)).int32(v.elemType ?? DataType.FLOAT);
      sub(tensor, 2, (shape) => {
        for (const d of v.dims) {
          sub(shape, 1, (dim) => {
            if (typeof d === "number") dim.uint32(tag(1, 0)).int64(d);
            else dim.uint32(tag(2, 2)).string(d);
          });
        }
      });
    }));
}

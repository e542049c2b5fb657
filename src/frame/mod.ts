/** Raw frame handling, pure: layouts, plane splitting and conversion, chroma resampling. */
export {
  type FrameLayout,
  frameLayout,
  type PixelFormat,
  pixelFormat,
  type PlaneLayout,
  sourceBitDepth,
  workingFormat,
  type WorkingPixFmt,
  YUV420P,
  YUV420P10LE,
} from "./format.ts";
export {
  floatToPlane,
  type FramePlanes,
  joinFrame,
  type Plane,
  planeToFloat,
  splitFrame,
} from "./planes.ts";
export {
  type ChromaSiting,
  chromaSiting,
  type IntUpsampleOptions,
  keysCubic,
  type SitingOffsets,
  sitingOffsets,
  sourceCoordinate,
  type UpsampleOptions,
  upsamplePlane,
  upsamplePlaneFloat,
} from "./resample.ts";

import assert from "node:assert/strict";
import { describeDegradation } from "./suite.ts";

Deno.test("describeDegradation: names the steps, the scale and the codec", () => {
  const table: Array<[Parameters<typeof describeDegradation>, string]> = [
    [["matlab", 2, 23], "MATLAB bicubic 1/2 of Y, float (the literature's protocol)"],
    [["matlab", 2, 23, true], "MATLAB bicubic 1/2 of Y, float (the literature's protocol)"],
    [["neighbor", 3, 23], "ffmpeg scale flags=neighbor 1/3, x264 CRF 23"],
    [["bicubic", 2, 18, true], "ffmpeg scale flags=bicubic 1/2, x264 CRF 18, predicted frame"],
    [["area", 4, undefined], "ffmpeg scale flags=area 1/4"],
    [["area", 4, undefined, true], "ffmpeg scale flags=area 1/4"],
    [["blur", 2, 23], "Gaussian blur σ 0.8, ffmpeg scale flags=bicubic 1/2, x264 CRF 23"],
    [["blur", 3, undefined], "Gaussian blur σ 1.2, ffmpeg scale flags=bicubic 1/3"],
    [
      ["blur", 4, 28, true],
      "Gaussian blur σ 1.6, ffmpeg scale flags=bicubic 1/4, x264 CRF 28, predicted frame",
    ],
  ];
  for (const [args, expected] of table) assert.equal(describeDegradation(...args), expected);
});

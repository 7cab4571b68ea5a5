#pragma once
// The ASC CDL (v1.2, OCIO's CDL_ASC style) on planar float RGB, eight pixels at a time where
// the CPU has AVX2: OCIO's own CPU CDL runs at about 20 Mpixel/s here, slower than the 3D LUT
// that usually follows it, so per-shot grades would otherwise dominate a batch.
//   out = clamp01(in * slope + offset) ^ power
//   out = clamp01(luma + saturation * (out - luma)),  luma with Rec.709 weights

namespace cinepipe::lut {

struct CdlStage {
    float slope[3] = {1, 1, 1};
    float offset[3] = {0, 0, 0};
    float power[3] = {1, 1, 1};
    float saturation = 1;
};

// In place on `n` pixels.
void apply_cdl(const CdlStage& cdl, float* r, float* g, float* b, int n);
void apply_cdl_scalar(const CdlStage& cdl, float* r, float* g, float* b, int n);

}  // namespace cinepipe::lut

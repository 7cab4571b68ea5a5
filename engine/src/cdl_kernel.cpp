// The CDL kernels: portable, and AVX2 with glibc's vector powf (libmvec, within 4 ulp).

#include "cdl_kernel.h"

#include <algorithm>
#include <cmath>

#include "lut3d.h"

// GCC only: clang (14) passes __m256 arguments to a function declared with an AVX target
// attribute in memory unless the whole file is compiled with -mavx, so the call would read
// garbage (found by the clang sanitizer build: CDL results off by up to 0.95). Clang builds
// take the scalar kernel.
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__clang__)
#include <immintrin.h>
#define CINEPIPE_HAVE_LIBMVEC 1
// glibc's AVX2 powf (x86_64 vector ABI name), declared here as <math.h> only offers it to
// the auto-vectoriser under -ffast-math.
extern "C" __m256 _ZGVdN8vv_powf(__m256 x, __m256 y);  // NOLINT(bugprone-reserved-identifier)
#endif

namespace cinepipe::lut {

namespace {

constexpr float kLumaR = 0.2126f;
constexpr float kLumaG = 0.7152f;
constexpr float kLumaB = 0.0722f;

float clamp01(float v) {
    return std::fmin(std::fmax(v, 0.0f), 1.0f);  // NaN -> 0
}

#if defined(CINEPIPE_HAVE_LIBMVEC)
__attribute__((target("avx2,fma"))) void apply_cdl_avx2(const CdlStage& cdl, float* r, float* g,
                                                        float* b, int n) {
    const __m256 zero = _mm256_setzero_ps();
    const __m256 one = _mm256_set1_ps(1.0f);
    float* planes[3] = {r, g, b};
    __m256 slope[3];
    __m256 offset[3];
    __m256 power[3];
    bool unit_power[3];
    for (int c = 0; c < 3; ++c) {
        slope[c] = _mm256_set1_ps(cdl.slope[c]);
        offset[c] = _mm256_set1_ps(cdl.offset[c]);
        power[c] = _mm256_set1_ps(cdl.power[c]);
        unit_power[c] = cdl.power[c] == 1.0f;
    }
    const __m256 sat = _mm256_set1_ps(cdl.saturation);
    const __m256 wr = _mm256_set1_ps(kLumaR);
    const __m256 wg = _mm256_set1_ps(kLumaG);
    const __m256 wb = _mm256_set1_ps(kLumaB);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v[3];
        for (int c = 0; c < 3; ++c) {
            __m256 x = _mm256_fmadd_ps(_mm256_loadu_ps(planes[c] + i), slope[c], offset[c]);
            x = _mm256_min_ps(_mm256_max_ps(x, zero), one);
            v[c] = unit_power[c] ? x : _ZGVdN8vv_powf(x, power[c]);
        }
        const __m256 luma =
            _mm256_fmadd_ps(v[0], wr, _mm256_fmadd_ps(v[1], wg, _mm256_mul_ps(v[2], wb)));
        for (int c = 0; c < 3; ++c) {
            const __m256 x = _mm256_fmadd_ps(sat, _mm256_sub_ps(v[c], luma), luma);
            _mm256_storeu_ps(planes[c] + i, _mm256_min_ps(_mm256_max_ps(x, zero), one));
        }
    }
    if (i < n) apply_cdl_scalar(cdl, r + i, g + i, b + i, n - i);
}
#endif

}  // namespace

void apply_cdl_scalar(const CdlStage& cdl, float* r, float* g, float* b, int n) {
    float* planes[3] = {r, g, b};
    for (int i = 0; i < n; ++i) {
        float v[3];
        for (int c = 0; c < 3; ++c) {
            const float x = clamp01(planes[c][i] * cdl.slope[c] + cdl.offset[c]);
            v[c] = cdl.power[c] == 1.0f ? x : std::pow(x, cdl.power[c]);
        }
        const float luma = kLumaR * v[0] + kLumaG * v[1] + kLumaB * v[2];
        for (int c = 0; c < 3; ++c) planes[c][i] = clamp01(luma + cdl.saturation * (v[c] - luma));
    }
}

void apply_cdl(const CdlStage& cdl, float* r, float* g, float* b, int n) {
#if defined(CINEPIPE_HAVE_LIBMVEC)
    if (avx2_available()) {
        apply_cdl_avx2(cdl, r, g, b, n);
        return;
    }
#endif
    apply_cdl_scalar(cdl, r, g, b, n);
}

}  // namespace cinepipe::lut

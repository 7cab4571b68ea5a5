// The tetrahedral kernel eight pixels at a time with AVX2: indices, fractions and the
// per-pixel choice of tetrahedron are computed as vectors (blends, so a noisy picture costs
// no branch mispredictions), then each pixel's four nodes are single 16-byte loads. Compiled
// for AVX2+FMA by function attribute and only called when the CPU has them.

#include <cstdint>

#include "lut3d.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cinepipe::lut {

#if defined(__x86_64__)

namespace {

// Two nodes, one per 128-bit half.
__attribute__((target("avx2,fma"))) inline __m256 load_pair(const float* low, const float* high) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(low)), _mm_loadu_ps(high), 1);
}

}  // namespace

__attribute__((target("avx2,fma"))) void apply_avx2(const Lattice& lattice, const float* r,
                                                    const float* g, const float* b, float* ro,
                                                    float* go, float* bo, int n,
                                                    std::vector<int>* outside) {
    const int size = lattice.size;
    const __m256 zero = _mm256_setzero_ps();
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 scale = _mm256_set1_ps(static_cast<float>(size - 1));
    const __m256i last_cell = _mm256_set1_epi32(size - 2);
    // Offsets in floats along red, green, blue, and to the cell's opposite node.
    const std::int32_t sdr = 4;
    const std::int32_t sdg = 4 * size;
    const std::int32_t sdb = 4 * size * size;
    const __m256i dr = _mm256_set1_epi32(sdr);
    const __m256i dg = _mm256_set1_epi32(sdg);
    const __m256i db = _mm256_set1_epi32(sdb);
    const __m256i dall = _mm256_set1_epi32(sdr + sdg + sdb);
    const float* nodes = lattice.nodes.data();
    const bool clamp = lattice.clamp_outside;

    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 x = _mm256_loadu_ps(r + i);
        __m256 y = _mm256_loadu_ps(g + i);
        __m256 z = _mm256_loadu_ps(b + i);
        int inside_mask = 0xff;
        if (!clamp) {
            // Ordered comparisons: NaN counts as outside.
            const __m256 in =
                _mm256_and_ps(_mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(x, zero, _CMP_GE_OQ),
                                                          _mm256_cmp_ps(x, one, _CMP_LE_OQ)),
                                            _mm256_and_ps(_mm256_cmp_ps(y, zero, _CMP_GE_OQ),
                                                          _mm256_cmp_ps(y, one, _CMP_LE_OQ))),
                              _mm256_and_ps(_mm256_cmp_ps(z, zero, _CMP_GE_OQ),
                                            _mm256_cmp_ps(z, one, _CMP_LE_OQ)));
            inside_mask = _mm256_movemask_ps(in);
            if (inside_mask != 0xff && outside)
                for (int lane = 0; lane < 8; ++lane)
                    if (!(inside_mask & (1 << lane))) outside->push_back(i + lane);
            if (inside_mask == 0) continue;
        }
        // max(v, 0) returns 0 for NaN (the second operand), as the scalar kernel's fmax.
        x = _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(x, zero), one), scale);
        y = _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(y, zero), one), scale);
        z = _mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(z, zero), one), scale);
        const __m256i ix = _mm256_min_epi32(_mm256_cvttps_epi32(x), last_cell);
        const __m256i iy = _mm256_min_epi32(_mm256_cvttps_epi32(y), last_cell);
        const __m256i iz = _mm256_min_epi32(_mm256_cvttps_epi32(z), last_cell);
        const __m256 fx = _mm256_sub_ps(x, _mm256_cvtepi32_ps(ix));
        const __m256 fy = _mm256_sub_ps(y, _mm256_cvtepi32_ps(iy));
        const __m256 fz = _mm256_sub_ps(z, _mm256_cvtepi32_ps(iz));

        const __m256i r_ge_g = _mm256_castps_si256(_mm256_cmp_ps(fx, fy, _CMP_GE_OQ));
        const __m256i g_ge_b = _mm256_castps_si256(_mm256_cmp_ps(fy, fz, _CMP_GE_OQ));
        const __m256i r_ge_b = _mm256_castps_si256(_mm256_cmp_ps(fx, fz, _CMP_GE_OQ));
        const __m256i first = _mm256_blendv_epi8(_mm256_blendv_epi8(db, dg, g_ge_b), dr,
                                                 _mm256_and_si256(r_ge_g, r_ge_b));
        const __m256i smallest = _mm256_blendv_epi8(_mm256_blendv_epi8(dr, dg, r_ge_g), db,
                                                    _mm256_and_si256(g_ge_b, r_ge_b));
        const __m256i second = _mm256_sub_epi32(dall, smallest);
        const __m256 f_max = _mm256_max_ps(_mm256_max_ps(fx, fy), fz);
        const __m256 f_min = _mm256_min_ps(_mm256_min_ps(fx, fy), fz);
        const __m256 f_mid =
            _mm256_max_ps(_mm256_min_ps(fx, fy), _mm256_min_ps(_mm256_max_ps(fx, fy), fz));

        const __m256i i0 = _mm256_add_epi32(
            _mm256_slli_epi32(ix, 2),
            _mm256_add_epi32(_mm256_mullo_epi32(iy, dg), _mm256_mullo_epi32(iz, db)));
        alignas(32) std::int32_t at0[8];
        alignas(32) std::int32_t at1[8];
        alignas(32) std::int32_t at2[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(at0), i0);
        _mm256_store_si256(reinterpret_cast<__m256i*>(at1), _mm256_add_epi32(i0, first));
        _mm256_store_si256(reinterpret_cast<__m256i*>(at2), _mm256_add_epi32(i0, second));
        // Each node is one 16-byte load of (R, G, B, 0): four loads per pixel instead of
        // twelve gathered floats (a gather issues one load per lane, and is microcoded on
        // many CPUs). Pixels p and p + 4 share a vector, one per 128-bit half, which puts the
        // results in the order the transpose below needs.
        __m256 v[4];
        for (int p = 0; p < 4; ++p) {
            const __m256 c0 = load_pair(nodes + at0[p], nodes + at0[p + 4]);
            const __m256 c1 = load_pair(nodes + at1[p], nodes + at1[p + 4]);
            const __m256 c2 = load_pair(nodes + at2[p], nodes + at2[p + 4]);
            const __m256 c3 =
                load_pair(nodes + at0[p] + sdr + sdg + sdb, nodes + at0[p + 4] + sdr + sdg + sdb);
            // (w[p] x 4 | w[p + 4] x 4)
            const __m256i spread = _mm256_setr_epi32(p, p, p, p, p + 4, p + 4, p + 4, p + 4);
            __m256 acc =
                _mm256_fmadd_ps(_mm256_permutevar8x32_ps(f_max, spread), _mm256_sub_ps(c1, c0), c0);
            acc = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(f_mid, spread), _mm256_sub_ps(c2, c1),
                                  acc);
            v[p] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(f_min, spread), _mm256_sub_ps(c3, c2),
                                   acc);
        }
        // (R G B 0 of p | of p + 4) x 4 back to three planar vectors.
        const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]);  // r0 r1 g0 g1 | r4 r5 g4 g5
        const __m256 t1 = _mm256_unpackhi_ps(v[0], v[1]);  // b0 b1 .. .. | b4 b5 .. ..
        const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]);  // r2 r3 g2 g3 | r6 r7 g6 g7
        const __m256 t3 = _mm256_unpackhi_ps(v[2], v[3]);
        __m256 out[3];
        out[0] = _mm256_shuffle_ps(t0, t2, 0x44);
        out[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
        out[2] = _mm256_shuffle_ps(t1, t3, 0x44);
        if (inside_mask == 0xff) {
            _mm256_storeu_ps(ro + i, out[0]);
            _mm256_storeu_ps(go + i, out[1]);
            _mm256_storeu_ps(bo + i, out[2]);
        } else {
            // Lanes outside the lattice's domain keep what the caller holds there.
            const __m256i keep =
                _mm256_setr_epi32((inside_mask & 1) ? -1 : 0, (inside_mask & 2) ? -1 : 0,
                                  (inside_mask & 4) ? -1 : 0, (inside_mask & 8) ? -1 : 0,
                                  (inside_mask & 16) ? -1 : 0, (inside_mask & 32) ? -1 : 0,
                                  (inside_mask & 64) ? -1 : 0, (inside_mask & 128) ? -1 : 0);
            _mm256_maskstore_ps(ro + i, keep, out[0]);
            _mm256_maskstore_ps(go + i, keep, out[1]);
            _mm256_maskstore_ps(bo + i, keep, out[2]);
        }
    }
    if (i < n) {
        const std::size_t before = outside ? outside->size() : 0;
        apply_scalar(lattice, r + i, g + i, b + i, ro + i, go + i, bo + i, n - i, outside);
        // The scalar kernel counted from the tail's start.
        if (outside)
            for (std::size_t k = before; k < outside->size(); ++k) (*outside)[k] += i;
    }
}

#else

void apply_avx2(const Lattice& lattice, const float* r, const float* g, const float* b, float* ro,
                float* go, float* bo, int n, std::vector<int>* outside) {
    apply_scalar(lattice, r, g, b, ro, go, bo, n, outside);
}

#endif

}  // namespace cinepipe::lut

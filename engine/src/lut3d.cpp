// The portable tetrahedral kernel and the choice of kernel for this CPU.

#include "lut3d.h"

#include <algorithm>
#include <cmath>

namespace cinepipe::lut {

namespace {

bool in_unit(float v) {
    return v >= 0.0f && v <= 1.0f;  // false for NaN
}

}  // namespace

void apply_scalar(const Lattice& lattice, const float* r, const float* g, const float* b, float* ro,
                  float* go, float* bo, int n, std::vector<int>* outside) {
    const int size = lattice.size;
    const int last_cell = size - 2;
    const auto scale = static_cast<float>(size - 1);
    // Offsets, in floats, from a node to its neighbour along red, green and blue.
    const std::ptrdiff_t dr = 4;
    const std::ptrdiff_t dg = 4 * static_cast<std::ptrdiff_t>(size);
    const std::ptrdiff_t db = dg * size;
    const float* nodes = lattice.nodes.data();
    for (int i = 0; i < n; ++i) {
        float x = r[i];
        float y = g[i];
        float z = b[i];
        if (!lattice.clamp_outside && !(in_unit(x) && in_unit(y) && in_unit(z))) {
            if (outside) outside->push_back(i);
            continue;
        }
        // fmax(NaN, 0) is 0: a NaN reads as black rather than as an index out of the table.
        x = std::fmin(std::fmax(x, 0.0f), 1.0f) * scale;
        y = std::fmin(std::fmax(y, 0.0f), 1.0f) * scale;
        z = std::fmin(std::fmax(z, 0.0f), 1.0f) * scale;
        // The last cell takes the top face too (fraction 1), so no index reaches `size`.
        const int ix = std::min(static_cast<int>(x), last_cell);
        const int iy = std::min(static_cast<int>(y), last_cell);
        const int iz = std::min(static_cast<int>(z), last_cell);
        const float fx = x - static_cast<float>(ix);
        const float fy = y - static_cast<float>(iy);
        const float fz = z - static_cast<float>(iz);
        // The tetrahedron holding the point runs from the cell's first node along the axis
        // with the largest fraction, then the middle one, to the opposite node.
        const bool r_ge_g = fx >= fy;
        const bool g_ge_b = fy >= fz;
        const bool r_ge_b = fx >= fz;
        const std::ptrdiff_t first = r_ge_g && r_ge_b ? dr : (g_ge_b ? dg : db);
        const std::ptrdiff_t smallest = g_ge_b && r_ge_b ? db : (r_ge_g ? dg : dr);
        const std::ptrdiff_t second = dr + dg + db - smallest;
        const float f_max = std::max(std::max(fx, fy), fz);
        const float f_min = std::min(std::min(fx, fy), fz);
        const float f_mid = std::max(std::min(fx, fy), std::min(std::max(fx, fy), fz));
        const float* c0 = nodes + 4 * (ix + static_cast<std::ptrdiff_t>(size) * (iy + size * iz));
        const float* c1 = c0 + first;
        const float* c2 = c0 + second;
        const float* c3 = c0 + dr + dg + db;
        float out[3];
        for (int c = 0; c < 3; ++c)
            out[c] =
                c0[c] + f_max * (c1[c] - c0[c]) + f_mid * (c2[c] - c1[c]) + f_min * (c3[c] - c2[c]);
        ro[i] = out[0];
        go[i] = out[1];
        bo[i] = out[2];
    }
}

bool avx2_available() {
#if defined(__x86_64__) || defined(__i386__)
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
#else
    return false;
#endif
}

void apply(const Lattice& lattice, const float* r, const float* g, const float* b, float* ro,
           float* go, float* bo, int n, std::vector<int>* outside) {
    if (avx2_available())
        apply_avx2(lattice, r, g, b, ro, go, bo, n, outside);
    else
        apply_scalar(lattice, r, g, b, ro, go, bo, n, outside);
}

}  // namespace cinepipe::lut

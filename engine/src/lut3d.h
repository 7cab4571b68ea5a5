#pragma once
// The fast colour path: a 3D lattice of RGB values over the unit cube, interpolated
// tetrahedrally (as grading systems and OCIO's own Lut3D do). A whole grading chain becomes
// one of these when OCIO's optimised chain is a single 3D LUT (taken as is: exact), or when
// OCIO's result sampled on a lattice stays within 0.1% of full scale of OCIO's exact result
// everywhere in the cube (baked). See docs/PERFORMANCE.md.

#include <cstddef>
#include <vector>

namespace cinepipe::lut {

struct Lattice {
    int size = 0;  // nodes per axis
    // size^3 nodes of (R, G, B, 0), red fastest then green then blue (the .cube order); the
    // fourth float pads a node to 16 bytes so one node is one aligned load.
    std::vector<float> nodes;
    // Inputs outside [0, 1]: clamped onto the cube's faces (what a 3D LUT does), or left to
    // the caller (`out_of_domain` is raised) when the chain was baked and means something
    // there too (a log curve, a matrix).
    bool clamp_outside = true;
};

// Tetrahedral interpolation of `n` pixels of planar float RGB, from (r, g, b) to
// (ro, go, bo); the two may be the same arrays. When the lattice does not clamp, pixels with
// a channel outside [0, 1] are left unwritten and their indices appended to `outside`.
void apply(const Lattice& lattice, const float* r, const float* g, const float* b, float* ro,
           float* go, float* bo, int n, std::vector<int>* outside);

// The portable kernel (any x86-64 or other CPU); `apply` picks the AVX2 one when the CPU has
// it. Exposed for the equality tests and the kernel benchmarks.
void apply_scalar(const Lattice& lattice, const float* r, const float* g, const float* b, float* ro,
                  float* go, float* bo, int n, std::vector<int>* outside);
bool avx2_available();
void apply_avx2(const Lattice& lattice, const float* r, const float* g, const float* b, float* ro,
                float* go, float* bo, int n, std::vector<int>* outside);

}  // namespace cinepipe::lut

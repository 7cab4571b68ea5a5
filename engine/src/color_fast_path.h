#pragma once
// Choosing how a grading chain runs (private to the engine): as the one 3D LUT it is, as a
// lattice baked from OCIO's results that measured within tolerance, or through OCIO exactly.

#include <optional>

#include "cdl_kernel.h"
#include "cinepipe/color.h"
#include "color_config.h"
#include "lut3d.h"

namespace cinepipe {

// The stages of a fast path, run in this order on rows of planar float RGB. None set: the
// exact path.
struct FastPathChoice {
    ColorFastPath info;
    // Operations before a final 3D LUT that neither bake nor have a kernel of their own: OCIO
    // runs them (exactly).
    OCIO::ConstCPUProcessorRcPtr prefix;
    std::optional<lut::CdlStage> cdl;     // an ASC CDL, natively
    std::optional<lut::Lattice> lattice;  // a 3D LUT or a bake
    [[nodiscard]] bool fast() const { return cdl.has_value() || lattice.has_value(); }
};

// The largest difference allowed between the lattice and OCIO, anywhere in the unit cube:
// 0.1% of full scale (about one 10-bit code value).
inline constexpr double kLatticeTolerance = 0.001;

FastPathChoice choose_fast_path(const OCIO::Processor& processor, const OCIO::CPUProcessor& cpu);

// The largest |fast - exact| over a fixed set of test points: uniform random ones in the
// unit cube, a dense set near black (where power curves bend most), a grey ramp, and points
// outside the cube (skipped by a lattice that leaves them to OCIO).
double fast_path_error(const FastPathChoice& candidate, const OCIO::CPUProcessor& cpu);

}  // namespace cinepipe

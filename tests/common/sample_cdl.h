#pragma once
// The per-shot CDL the colour tests and the kernel benchmarks grade with (slope, offset, power
// and saturation all away from unity, so every step of the CDL is exercised).

#include "cinepipe/color.h"

namespace cinepipe::test {

inline ColorOp sample_cdl_op() {
    ColorOp op;
    op.kind = ColorOp::Kind::Cdl;
    op.cdl.slope = {1.1, 0.97, 0.92};
    op.cdl.offset = {0.01, 0.0, -0.01};
    op.cdl.power = {1.05, 1.0, 0.97};
    op.cdl.saturation = 0.9;
    return op;
}

}  // namespace cinepipe::test

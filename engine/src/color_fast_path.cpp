// Choosing the fast colour path's stages for a chain, and measuring them against OCIO.

#include "color_fast_path.h"

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <vector>

namespace cinepipe {

namespace {

// The operation at `index` of the optimised chain, when it is a forward tetrahedral 3D LUT: its
// nodes, so the lattice is the LUT itself.
std::optional<lut::Lattice> lut_at(const OCIO::GroupTransform& group, int index) {
    if (index < 0 || index >= group.getNumTransforms()) return std::nullopt;
    const auto lut = OCIO::DynamicPtrCast<const OCIO::Lut3DTransform>(group.getTransform(index));
    if (!lut || lut->getDirection() != OCIO::TRANSFORM_DIR_FORWARD) return std::nullopt;
    // INTERP_DEFAULT and LINEAR mean trilinear for a 3D LUT; only BEST is tetrahedral too.
    const auto interp = lut->getInterpolation();
    if (interp != OCIO::INTERP_TETRAHEDRAL && interp != OCIO::INTERP_BEST) return std::nullopt;
    const auto size = static_cast<int>(lut->getGridSize());
    if (size < 2) return std::nullopt;
    lut::Lattice lattice;
    lattice.size = size;
    lattice.nodes.resize(static_cast<std::size_t>(size) * size * size * 4);
    std::size_t i = 0;
    for (int b = 0; b < size; ++b)
        for (int g = 0; g < size; ++g)
            for (int r = 0; r < size; ++r, i += 4)
                lut->getValue(static_cast<unsigned long>(r), static_cast<unsigned long>(g),
                              static_cast<unsigned long>(b), lattice.nodes[i], lattice.nodes[i + 1],
                              lattice.nodes[i + 2]);
    return lattice;
}

// The operation at `index`, when it is a forward ASC CDL.
std::optional<lut::CdlStage> cdl_at(const OCIO::GroupTransform& group, int index) {
    if (index < 0 || index >= group.getNumTransforms()) return std::nullopt;
    const auto cdl = OCIO::DynamicPtrCast<const OCIO::CDLTransform>(group.getTransform(index));
    if (!cdl || cdl->getDirection() != OCIO::TRANSFORM_DIR_FORWARD ||
        cdl->getStyle() != OCIO::CDL_ASC)
        return std::nullopt;
    double slope[3];
    double offset[3];
    double power[3];
    cdl->getSlope(slope);
    cdl->getOffset(offset);
    cdl->getPower(power);
    lut::CdlStage stage;
    for (int c = 0; c < 3; ++c) {
        stage.slope[c] = static_cast<float>(slope[c]);
        stage.offset[c] = static_cast<float>(offset[c]);
        stage.power[c] = static_cast<float>(power[c]);
    }
    stage.saturation = static_cast<float>(cdl->getSat());
    return stage;
}

// OCIO's own results on a size^3 lattice over the unit cube. Pixels outside the cube are
// left to OCIO at run time, since a baked chain (a log curve, a matrix) means something there.
lut::Lattice bake(const OCIO::CPUProcessor& cpu, int size) {
    const std::size_t count = static_cast<std::size_t>(size) * size * size;
    std::vector<float> rgb(count * 3);
    const float step = 1.0f / static_cast<float>(size - 1);
    std::size_t i = 0;
    for (int b = 0; b < size; ++b)
        for (int g = 0; g < size; ++g)
            for (int r = 0; r < size; ++r, i += 3) {
                rgb[i] = static_cast<float>(r) * step;
                rgb[i + 1] = static_cast<float>(g) * step;
                rgb[i + 2] = static_cast<float>(b) * step;
            }
    OCIO::PackedImageDesc desc(rgb.data(), static_cast<long>(count), 1, 3);
    cpu.apply(desc);
    lut::Lattice lattice;
    lattice.size = size;
    lattice.clamp_outside = false;
    lattice.nodes.resize(count * 4);
    for (std::size_t n = 0; n < count; ++n)
        for (std::size_t c = 0; c < 3; ++c) lattice.nodes[4 * n + c] = rgb[3 * n + c];
    return lattice;
}

FastPathChoice accepted(FastPathChoice candidate, const OCIO::CPUProcessor& cpu,
                        ColorFastPath::Kind kind, std::string reason, double* closest) {
    const double error = fast_path_error(candidate, cpu);
    if (closest && error < *closest) *closest = error;
    if (!(error <= kLatticeTolerance)) return {};
    candidate.info.kind = kind;
    candidate.info.size = candidate.lattice ? candidate.lattice->size : 0;
    candidate.info.max_error = error;
    candidate.info.reason = std::move(reason);
    return candidate;
}

}  // namespace

double fast_path_error(const FastPathChoice& candidate, const OCIO::CPUProcessor& cpu) {
    std::vector<float> r;
    std::vector<float> g;
    std::vector<float> b;
    std::mt19937 rng(20261126);
    const auto add_uniform = [&](int n, float lo, float hi) {
        std::uniform_real_distribution<float> d(lo, hi);
        for (int i = 0; i < n; ++i) {
            r.push_back(d(rng));
            g.push_back(d(rng));
            b.push_back(d(rng));
        }
    };
    add_uniform(40000, 0.0f, 1.0f);
    add_uniform(8000, 0.0f, 0.06f);
    add_uniform(4000, 0.94f, 1.0f);
    for (int i = 0; i <= 1023; ++i) {
        const float v = static_cast<float>(i) / 1023.0f;
        r.push_back(v);
        g.push_back(v);
        b.push_back(v);
    }
    add_uniform(4000, -0.25f, 1.25f);
    const auto n = static_cast<int>(r.size());
    std::vector<float> packed(r.size() * 3);
    for (std::size_t i = 0; i < r.size(); ++i) {
        packed[3 * i] = r[i];
        packed[3 * i + 1] = g[i];
        packed[3 * i + 2] = b[i];
    }
    OCIO::PackedImageDesc desc(packed.data(), n, 1, 3);
    cpu.apply(desc);
    if (candidate.prefix) {
        OCIO::PlanarImageDesc planar(r.data(), g.data(), b.data(), nullptr, n, 1);
        candidate.prefix->apply(planar);
    }
    if (candidate.cdl) lut::apply_cdl_scalar(*candidate.cdl, r.data(), g.data(), b.data(), n);
    std::vector<int> outside;
    if (candidate.lattice)
        lut::apply_scalar(*candidate.lattice, r.data(), g.data(), b.data(), r.data(), g.data(),
                          b.data(), n, &outside);
    std::vector<bool> skip(r.size(), false);
    for (const int i : outside) skip[static_cast<std::size_t>(i)] = true;  // OCIO's at run time
    double worst = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (skip[i]) continue;
        for (const auto& [fast, exact] :
             {std::pair{r[i], packed[3 * i]}, std::pair{g[i], packed[3 * i + 1]},
              std::pair{b[i], packed[3 * i + 2]}}) {
            const double d = std::fabs(static_cast<double>(fast) - static_cast<double>(exact));
            if (!(d <= worst)) worst = std::isnan(d) ? INFINITY : d;
        }
    }
    return worst;
}

FastPathChoice choose_fast_path(const OCIO::Processor& processor, const OCIO::CPUProcessor& cpu) {
    const auto group =
        processor.getOptimizedProcessor(OCIO::OPTIMIZATION_DEFAULT)->createGroupTransform();
    const int ops = group->getNumTransforms();
    double closest = INFINITY;  // the best candidate's error, for the exact path's reason
    // The chain is one 3D LUT (a show LUT): the lattice is that LUT.
    if (ops == 1) {
        FastPathChoice c;
        c.lattice = lut_at(*group, 0);
        if (c.lattice) {
            if (auto r = accepted(std::move(c), cpu, ColorFastPath::Kind::Lut,
                                  "the chain is one 3D LUT", &closest);
                r.fast())
                return r;
        }
    }
    // A CDL, alone or before the LUT (a per-shot grade under a show LUT): both natively.
    if (ops == 1 || ops == 2) {
        FastPathChoice c;
        c.cdl = cdl_at(*group, 0);
        c.lattice = ops == 2 ? lut_at(*group, 1) : std::nullopt;
        if (c.cdl && (ops == 1 || c.lattice)) {
            if (auto r =
                    accepted(std::move(c), cpu, ColorFastPath::Kind::Cdl,
                             ops == 1 ? "the chain is one CDL" : "a CDL, then a 3D LUT", &closest);
                r.fast())
                return r;
        }
    }
    // Anything else smooth enough: OCIO's results on a lattice. 33^3 stays in L2 (575 KB);
    // 65^3 is for chains that bend too much between 33 nodes.
    for (const int size : {33, 65}) {
        FastPathChoice c;
        c.lattice = bake(cpu, size);
        if (auto r = accepted(std::move(c), cpu, ColorFastPath::Kind::Baked,
                              fmt::format("baked from OCIO at {}^3", size), &closest);
            r.fast())
            return r;
    }
    // Operations before a final 3D LUT that did not bake: OCIO runs them, the lattice runs the
    // LUT, which is most of the cost.
    if (ops > 1) {
        FastPathChoice c;
        c.lattice = lut_at(*group, ops - 1);
        if (c.lattice) {
            auto head = OCIO::GroupTransform::Create();
            for (int i = 0; i + 1 < ops; ++i)
                head->appendTransform(group->getTransform(i)->createEditableCopy());
            // The optimised operations reference no colour space: a raw config builds them.
            c.prefix = OCIO::Config::CreateRaw()->getProcessor(head)->getDefaultCPUProcessor();
            if (auto r = accepted(std::move(c), cpu, ColorFastPath::Kind::LutAfterOcio,
                                  "OCIO, then the chain's last 3D LUT", &closest);
                r.fast())
                return r;
        }
    }
    FastPathChoice exact;
    exact.info.reason = fmt::format("a lattice differs from OCIO by up to {:.4f} (limit {})",
                                    closest, kLatticeTolerance);
    return exact;
}

}  // namespace cinepipe

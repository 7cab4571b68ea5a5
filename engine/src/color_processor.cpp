// The grading chain as one OpenColorIO processor. Names are checked against the config first
// so that a typo gets the list of what exists, not OCIO's generic message.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cdl_kernel.h"
#include "cinepipe/color.h"
#include "cinepipe/error.h"
#include "color_config.h"
#include "color_fast_path.h"
#include "yuv_grade.h"

namespace cinepipe {

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::vector<std::string> colorspace_names(const OCIO::Config& config) {
    std::vector<std::string> names;
    const int n =
        config.getNumColorSpaces(OCIO::SEARCH_REFERENCE_SPACE_ALL, OCIO::COLORSPACE_ACTIVE);
    for (int i = 0; i < n; ++i)
        names.emplace_back(config.getColorSpaceNameByIndex(OCIO::SEARCH_REFERENCE_SPACE_ALL,
                                                           OCIO::COLORSPACE_ACTIVE, i));
    return names;
}

void check_colorspace(const LoadedConfig& c, const std::string& name, const char* what) {
    if (name.empty()) throw InputError(fmt::format("{}: a colour space is missing", what));
    // getColorSpace also resolves roles and aliases.
    if (!c.config->getColorSpace(name.c_str()))
        throw InputError(fmt::format("{}: unknown colour space '{}' in {} (available: {})", what,
                                     name, c.source, join(colorspace_names(*c.config))));
}

std::vector<std::string> display_names(const OCIO::Config& config) {
    std::vector<std::string> out;
    for (int i = 0; i < config.getNumDisplays(); ++i) out.emplace_back(config.getDisplay(i));
    return out;
}

std::vector<std::string> view_names(const OCIO::Config& config, const std::string& display) {
    std::vector<std::string> out;
    for (int i = 0; i < config.getNumViews(display.c_str()); ++i)
        out.emplace_back(config.getView(display.c_str(), i));
    return out;
}

std::vector<std::string> look_names(const OCIO::Config& config) {
    std::vector<std::string> out;
    for (int i = 0; i < config.getNumLooks(); ++i) out.emplace_back(config.getLookNameByIndex(i));
    return out;
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// OCIO's messages span lines and, for a file it tried in every format, repeat the failure of
// each reader. One line is kept: the first specific failure, whitespace collapsed.
std::string ocio_reason(const std::string& what) {
    std::string s;
    for (const char ch : what) {
        const bool space = std::isspace(static_cast<unsigned char>(ch)) != 0;
        if (space && (s.empty() || s.back() == ' ')) continue;
        s += space ? ' ' : ch;
    }
    if (const auto p = s.find("failed with: "); p != std::string::npos) {
        s = s.substr(p + 13);
        if (const auto q = s.find("' failed with: "); q != std::string::npos)
            if (const auto start = s.rfind(" '", q); start != std::string::npos) s.resize(start);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

// Tags for the destination of a conversion: the ones cinepipe can name, unspecified for the
// rest.
std::optional<ColorTags> tags_for(const OCIO::Config& config, const std::string& name) {
    std::string n = lower(name);
    if (auto cs = config.getColorSpace(name.c_str())) n = lower(cs->getName());
    ColorTags t;
    t.matrix = MatrixCoefficients::Unspecified;
    t.range = ColorRange::Unspecified;
    const auto has = [&](const char* s) { return n.find(s) != std::string::npos; };
    if (has("srgb")) {
        t.primaries = ColorPrimaries::Bt709;
        t.transfer = TransferCharacteristic::Srgb;
    } else if (has("lin") && has("709")) {
        t.primaries = ColorPrimaries::Bt709;
        t.transfer = TransferCharacteristic::Linear;
    } else if (has("2020") && (has("1886") || has("display"))) {
        t.primaries = ColorPrimaries::Bt2020;
        t.transfer = TransferCharacteristic::Bt709;
    } else if (has("709") && (has("1886") || has("display") || has("rec709") || has("rec.709"))) {
        t.primaries = ColorPrimaries::Bt709;
        t.transfer = TransferCharacteristic::Bt709;
    } else {
        // A log encoding, ACES, a studio space: no H.273 tag describes it, and keeping the
        // input's tags would label log pictures as Rec.709.
        t.primaries = ColorPrimaries::Unspecified;
        t.transfer = TransferCharacteristic::Unspecified;
    }
    return t;
}

OCIO::Interpolation to_ocio(LutInterpolation i) {
    switch (i) {
        case LutInterpolation::Tetrahedral:
            // OCIO 2.1 resolves BEST to tetrahedral for a 3D LUT and to linear for a 1D one,
            // whereas TETRAHEDRAL on a 1D file logs "not allowed" to stderr and falls back.
            // Color.Cube3dTetrahedralEqualsOcio pins the 3D behaviour.
            return OCIO::INTERP_BEST;
        case LutInterpolation::Linear:
            return OCIO::INTERP_LINEAR;
        case LutInterpolation::Best:
            return OCIO::INTERP_BEST;
    }
    return OCIO::INTERP_TETRAHEDRAL;
}

// True when `t` changes no value in the unit cube (an identity LUT, whatever its size): it is
// then left out, so an identity grade is an exact no-op rather than a clamp and a float round
// trip. Checked on a 17^3 lattice plus off-lattice points, to half a 16-bit code value.
bool is_identity_on_unit_cube(const OCIO::Config& config, const OCIO::ConstTransformRcPtr& t) {
    const auto cpu = config.getProcessor(t)->getDefaultCPUProcessor();
    if (cpu->isNoOp()) return true;
    constexpr int n = 17;
    std::vector<float> rgb;
    rgb.reserve(n * n * n * 3 * 2);
    for (int b = 0; b < n; ++b)
        for (int g = 0; g < n; ++g)
            for (int r = 0; r < n; ++r)
                for (const float shift : {0.0f, 0.37f})
                    for (const int c : {r, g, b})
                        rgb.push_back(std::min(1.0f, (static_cast<float>(c) + shift) / (n - 1)));
    const std::vector<float> expected = rgb;
    OCIO::PackedImageDesc desc(rgb.data(), static_cast<long>(rgb.size() / 3), 1, 3);
    cpu->apply(desc);
    for (std::size_t i = 0; i < rgb.size(); ++i)
        if (std::fabs(rgb[i] - expected[i]) > 7.6e-6f) return false;
    return true;
}

// Rows per strip: about 256 KB of float RGB, so a strip stays in L2 while OCIO walks it.
int strip_rows(int width) {
    return std::max(1, (256 * 1024) / std::max(1, width * 12));
}

bool exact_requested(const ColorPipeline& pipeline) {
    if (pipeline.exact) return true;
    const char* env = std::getenv("CINEPIPE_EXACT_COLOR");
    return env && *env && std::string(env) != "0";
}

// Applies OCIO on the pixels `indices` of planar rows, packed: the ones the lattice leaves to
// the exact path.
void apply_exact_at(const OCIO::CPUProcessor& cpu, const std::vector<int>& indices, float* r,
                    float* g, float* b, std::vector<float>& packed) {
    if (indices.empty()) return;
    packed.resize(indices.size() * 3);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const auto p = static_cast<std::size_t>(indices[i]);
        packed[3 * i] = r[p];
        packed[3 * i + 1] = g[p];
        packed[3 * i + 2] = b[p];
    }
    OCIO::PackedImageDesc desc(packed.data(), static_cast<long>(indices.size()), 1, 3);
    cpu.apply(desc);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const auto p = static_cast<std::size_t>(indices[i]);
        r[p] = packed[3 * i];
        g[p] = packed[3 * i + 1];
        b[p] = packed[3 * i + 2];
    }
}

}  // namespace

std::string ColorFastPath::describe() const {
    switch (kind) {
        case Kind::Lut:
            return fmt::format("fast: {0}x{0}x{0} LUT, tetrahedral", size);
        case Kind::Baked:
            return fmt::format("fast: baked {0}x{0}x{0} lattice, max error {1:.5f}", size,
                               max_error);
        case Kind::LutAfterOcio:
            return fmt::format("fast: OCIO, then a {0}x{0}x{0} LUT, tetrahedral", size);
        case Kind::Cdl:
            return size ? fmt::format("fast: CDL, then a {0}x{0}x{0} LUT, tetrahedral", size)
                        : std::string("fast: CDL");
        case Kind::Exact:
            break;
    }
    return "exact OCIO" + (reason.empty() ? std::string() : " (" + reason + ")");
}

bool Cdl::is_identity() const {
    return slope == std::array<double, 3>{1, 1, 1} && offset == std::array<double, 3>{0, 0, 0} &&
           power == std::array<double, 3>{1, 1, 1} && saturation == 1;
}

std::array<double, 3> parse_triplet(const std::string& text) {
    std::vector<double> values;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t comma = std::min(text.find(',', pos), text.size());
        std::string item = text.substr(pos, comma - pos);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        double v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() ||
            !std::isfinite(v))
            throw std::invalid_argument("'" + text + "' is not R,G,B numbers");
        values.push_back(v);
        pos = comma + 1;
    }
    if (values.size() == 1) return {values[0], values[0], values[0]};
    if (values.size() != 3) throw std::invalid_argument("'" + text + "' is not R,G,B numbers");
    return {values[0], values[1], values[2]};
}

struct ColorProcessor::Impl {
    OCIO::ConstCPUProcessorRcPtr cpu;
    bool noop = false;
    ColorFastPath fast;
    FastPathChoice stages;  // fast() false: the exact path

    // The fast path in place on one row of planar RGB: OCIO's part, the CDL, the lattice, then
    // OCIO again for the pixels the lattice leaves to it. `outside`, `packed`: scratch.
    void fast_row(float* r, float* g, float* b, int n, std::vector<int>& outside,
                  std::vector<float>& packed) const {
        if (stages.prefix) {
            OCIO::PlanarImageDesc desc(r, g, b, nullptr, n, 1);
            stages.prefix->apply(desc);
        }
        if (stages.cdl) lut::apply_cdl(*stages.cdl, r, g, b, n);
        if (stages.lattice) {
            outside.clear();
            lut::apply(*stages.lattice, r, g, b, r, g, b, n, &outside);
            apply_exact_at(*cpu, outside, r, g, b, packed);
        }
    }
    std::string description;
    std::optional<ColorTags> output_tags;
};

ColorProcessor::ColorProcessor() : impl_(std::make_unique<Impl>()) {}
ColorProcessor::~ColorProcessor() = default;

std::shared_ptr<const ColorProcessor> ColorProcessor::create(const ColorPipeline& pipeline) {
    const bool needs_config =
        std::any_of(pipeline.ops.begin(), pipeline.ops.end(), [](const ColorOp& op) {
            return op.kind == ColorOp::Kind::ColorSpace || op.kind == ColorOp::Kind::DisplayView ||
                   op.kind == ColorOp::Kind::Look;
        });
    // CDLs and LUTs need no config of their own; a raw one keeps $OCIO out of their way.
    const LoadedConfig c = needs_config || !pipeline.config.empty()
                               ? load_color_config(pipeline.config)
                               : LoadedConfig{OCIO::Config::CreateRaw(), "raw"};
    auto group = OCIO::GroupTransform::Create();
    std::vector<std::string> steps;
    std::optional<ColorTags> tags;
    for (const auto& op : pipeline.ops) {
        switch (op.kind) {
            case ColorOp::Kind::ColorSpace: {
                check_colorspace(c, op.from, "--from");
                check_colorspace(c, op.to, "--to");
                auto t = OCIO::ColorSpaceTransform::Create();
                t->setSrc(op.from.c_str());
                t->setDst(op.to.c_str());
                group->appendTransform(t);
                steps.push_back(op.from + " -> " + op.to);
                tags = tags_for(*c.config, op.to);
                break;
            }
            case ColorOp::Kind::DisplayView: {
                check_colorspace(c, op.from, "--from");
                const auto displays = display_names(*c.config);
                if (std::find(displays.begin(), displays.end(), op.display) == displays.end())
                    throw InputError(
                        fmt::format("--display: unknown display '{}' in {} (available: {})",
                                    op.display, c.source, join(displays)));
                const auto views = view_names(*c.config, op.display);
                if (std::find(views.begin(), views.end(), op.view) == views.end())
                    throw InputError(
                        fmt::format("--view: display '{}' in {} has no view '{}' (available: {})",
                                    op.display, c.source, op.view, join(views)));
                auto t = OCIO::DisplayViewTransform::Create();
                t->setSrc(op.from.c_str());
                t->setDisplay(op.display.c_str());
                t->setView(op.view.c_str());
                group->appendTransform(t);
                steps.push_back(op.from + " -> " + op.display + " / " + op.view);
                const char* cs =
                    c.config->getDisplayViewColorSpaceName(op.display.c_str(), op.view.c_str());
                tags = cs && *cs ? tags_for(*c.config, cs) : tags_for(*c.config, op.display);
                break;
            }
            case ColorOp::Kind::Look: {
                check_colorspace(c, op.from, "--from");
                const std::string to = op.to.empty() ? op.from : op.to;
                check_colorspace(c, to, "--to");
                const auto looks = look_names(*c.config);
                // Each name in the list ("+a, -b") must exist.
                std::string list = op.looks;
                for (char& ch : list)
                    if (ch == '+' || ch == '-' || ch == ',' || ch == ':') ch = ' ';
                std::istringstream names(list);
                for (std::string name; names >> name;)
                    if (std::find(looks.begin(), looks.end(), name) == looks.end())
                        throw InputError(
                            fmt::format("--look: unknown look '{}' in {} (available: {})", name,
                                        c.source, looks.empty() ? "none" : join(looks)));
                auto t = OCIO::LookTransform::Create();
                t->setSrc(op.from.c_str());
                t->setDst(to.c_str());
                t->setLooks(op.looks.c_str());
                group->appendTransform(t);
                steps.push_back("look " + op.looks);
                if (!op.to.empty()) tags = tags_for(*c.config, to);
                break;
            }
            case ColorOp::Kind::Cdl: {
                // A unity CDL would still clamp to 0..1: leave it out, it is meant as no grade.
                if (op.cdl.is_identity()) {
                    steps.push_back("unity CDL (skipped)");
                    break;
                }
                auto t = OCIO::CDLTransform::Create();
                t->setStyle(OCIO::CDL_ASC);
                t->setSlope(op.cdl.slope.data());
                t->setOffset(op.cdl.offset.data());
                t->setPower(op.cdl.power.data());
                t->setSat(op.cdl.saturation);
                t->setDirection(op.inverse ? OCIO::TRANSFORM_DIR_INVERSE
                                           : OCIO::TRANSFORM_DIR_FORWARD);
                group->appendTransform(t);
                steps.push_back(op.cdl.id.empty() ? std::string("CDL") : "CDL " + op.cdl.id);
                break;
            }
            case ColorOp::Kind::Lut: {
                if (!std::filesystem::is_regular_file(op.lut))
                    throw InputError(op.lut + ": LUT file not found");
                auto t = OCIO::FileTransform::Create();
                // Absolute, so the config's search path cannot pick another file of that name.
                t->setSrc(std::filesystem::absolute(op.lut).string().c_str());
                t->setInterpolation(to_ocio(op.interpolation));
                t->setDirection(op.inverse ? OCIO::TRANSFORM_DIR_INVERSE
                                           : OCIO::TRANSFORM_DIR_FORWARD);
                // A lone LUT must load now, so a malformed file is reported as that file.
                bool identity = false;
                try {
                    identity = is_identity_on_unit_cube(*c.config, t);
                } catch (const OCIO::Exception& e) {
                    // OCIO passes on the standard library's own words when a header asks for
                    // more entries than can be held ("vector::reserve").
                    const std::string reason = ocio_reason(e.what());
                    const bool too_large = reason.rfind("vector::", 0) == 0 ||
                                           reason.find("bad_alloc") != std::string::npos;
                    throw InputError(
                        op.lut + ": cannot use this LUT: " +
                        (too_large ? std::string("its declared size is too large") : reason));
                }
                if (identity) {
                    steps.push_back("identity LUT " +
                                    std::filesystem::path(op.lut).filename().string() +
                                    " (skipped)");
                    break;
                }
                group->appendTransform(t);
                steps.push_back("LUT " + std::filesystem::path(op.lut).filename().string() +
                                (op.inverse ? " (inverse)" : ""));
                break;
            }
        }
    }
    auto p = std::shared_ptr<ColorProcessor>(new ColorProcessor());
    try {
        const auto processor = c.config->getProcessor(group);
        p->impl_->cpu = processor->getDefaultCPUProcessor();
        p->impl_->noop = p->impl_->cpu->isNoOp();
        if (p->impl_->noop) {
            p->impl_->fast.reason = "nothing to do";
        } else if (exact_requested(pipeline)) {
            p->impl_->fast.reason = "exact path requested";
        } else {
            p->impl_->stages = choose_fast_path(*processor, *p->impl_->cpu);
            p->impl_->fast = p->impl_->stages.info;
        }
    } catch (const OCIO::Exception& e) {
        throw InputError(fmt::format("{}: cannot build the colour pipeline ({}): {}", c.source,
                                     join(steps), ocio_reason(e.what())));
    }
    p->impl_->description = steps.empty() ? std::string("no colour operation") : join(steps);
    p->impl_->output_tags = tags;
    return p;
}

void ColorProcessor::apply(float* r, float* g, float* b, float* a, int width, int rows,
                           std::ptrdiff_t stride_bytes) const {
    if (impl_->noop || rows <= 0) return;
    if (impl_->stages.fast()) {
        std::vector<int> outside;
        std::vector<float> packed;
        const auto at = [stride_bytes](float* p, int y) {
            return reinterpret_cast<float*>(reinterpret_cast<std::uint8_t*>(p) + y * stride_bytes);
        };
        for (int y = 0; y < rows; ++y)
            impl_->fast_row(at(r, y), at(g, y), at(b, y), width, outside, packed);
        return;
    }
    OCIO::PlanarImageDesc desc(r, g, b, a, width, rows, OCIO::BIT_DEPTH_F32, sizeof(float),
                               stride_bytes);
    impl_->cpu->apply(desc);
}

void ColorProcessor::apply(VideoFrame& frame) const {
    if (frame.format != PixelFormat::Gbrpf32 && frame.format != PixelFormat::Gbrapf32)
        throw std::logic_error("ColorProcessor::apply needs planar float RGB");
    if (impl_->noop) return;
    const int step = strip_rows(frame.width);
    const bool alpha = frame.format == PixelFormat::Gbrapf32;
    for (int y = 0; y < frame.height; y += step) {
        const int rows = std::min(step, frame.height - y);
        auto row = [&](int plane) {
            return reinterpret_cast<float*>(frame.mutable_plane(plane) +
                                            static_cast<std::ptrdiff_t>(y) *
                                                frame.stride[static_cast<std::size_t>(plane)]);
        };
        // Planes are G, B, R(, A) as in libav; every plane shares one stride in our pools.
        apply(row(2), row(0), row(1), alpha ? row(3) : nullptr, frame.width, rows, frame.stride[0]);
    }
}

void ColorProcessor::apply(const VideoFrame& in, VideoFrame& out) const {
    const bool ok_format = in.format == out.format && (in.format == PixelFormat::Gbrpf32 ||
                                                       in.format == PixelFormat::Gbrapf32);
    if (!ok_format || in.width != out.width || in.height != out.height)
        throw std::logic_error(
            "ColorProcessor::apply needs two planar float RGB frames of one size");
    const bool alpha = in.format == PixelFormat::Gbrapf32;
    if (impl_->stages.fast()) {
        std::vector<int> outside;
        std::vector<float> packed;
        for (int y = 0; y < in.height; ++y) {
            const auto src = [&](int plane) {
                return reinterpret_cast<const float*>(
                    in.plane(plane) +
                    static_cast<std::ptrdiff_t>(y) * in.stride[static_cast<std::size_t>(plane)]);
            };
            const auto dst = [&](int plane) {
                return reinterpret_cast<float*>(out.mutable_plane(plane) +
                                                static_cast<std::ptrdiff_t>(y) *
                                                    out.stride[static_cast<std::size_t>(plane)]);
            };
            for (int p = 0; p < (alpha ? 4 : 3); ++p) std::copy_n(src(p), in.width, dst(p));
            impl_->fast_row(dst(2), dst(0), dst(1), in.width, outside, packed);
        }
        return;
    }
    const int step = strip_rows(in.width);
    for (int y = 0; y < in.height; y += step) {
        const int rows = std::min(step, in.height - y);
        const auto at = [y](const VideoFrame& f, int plane) {
            // OCIO's image descriptions take non-const pointers even for the source.
            return const_cast<std::uint8_t*>(f.plane(plane)) +
                   static_cast<std::ptrdiff_t>(y) * f.stride[static_cast<std::size_t>(plane)];
        };
        const OCIO::PlanarImageDesc src(at(in, 2), at(in, 0), at(in, 1),
                                        alpha ? at(in, 3) : nullptr, in.width, rows,
                                        OCIO::BIT_DEPTH_F32, sizeof(float), in.stride[0]);
        OCIO::PlanarImageDesc dst(at(out, 2), at(out, 0), at(out, 1), alpha ? at(out, 3) : nullptr,
                                  out.width, rows, OCIO::BIT_DEPTH_F32, sizeof(float),
                                  out.stride[0]);
        impl_->cpu->apply(src, dst);
    }
}

bool ColorProcessor::apply_yuv(const VideoFrame& in, VideoFrame& out) const {
    if (!impl_->stages.fast() || in.format != out.format || in.width != out.width ||
        in.height != out.height)
        return false;
    const auto coding = lut::yuv_coding_for(in);
    if (!coding) return false;
    const Impl& impl = *impl_;
    lut::grade_yuv(*coding, in, out, [&impl](float* r, float* g, float* b, int n) {
        thread_local std::vector<int> outside;
        thread_local std::vector<float> packed;
        impl.fast_row(r, g, b, n, outside, packed);
    });
    return true;
}

const ColorFastPath& ColorProcessor::fast_path() const {
    return impl_->fast;
}

bool ColorProcessor::is_noop() const {
    return impl_->noop;
}

const std::string& ColorProcessor::description() const {
    return impl_->description;
}

const std::optional<ColorTags>& ColorProcessor::output_tags() const {
    return impl_->output_tags;
}

ColorConfigNames color_config_names(const std::string& config) {
    const LoadedConfig c = load_color_config(config);
    ColorConfigNames n;
    n.source = c.source;
    n.colorspaces = colorspace_names(*c.config);
    for (const auto& name : n.colorspaces) {
        const auto cs = c.config->getColorSpace(name.c_str());
        for (std::size_t i = 0; cs && i < cs->getNumAliases(); ++i)
            n.aliases[name].emplace_back(cs->getAlias(i));
    }
    n.displays = display_names(*c.config);
    for (const auto& d : n.displays) n.views[d] = view_names(*c.config, d);
    n.looks = look_names(*c.config);
    return n;
}

Cdl load_cdl(const std::string& path, const std::string& id) {
    const auto all = load_cdl_collection(path);
    if (id.empty()) return all.front();
    for (const auto& c : all)
        if (c.id == id) return c;
    std::vector<std::string> ids;
    for (const auto& c : all) ids.push_back(c.id.empty() ? "(no id)" : c.id);
    throw InputError(
        fmt::format("{}: no ColorCorrection with id '{}' (ids: {})", path, id, join(ids)));
}

std::vector<Cdl> load_cdl_collection(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw InputError(path + ": CDL file not found");
    std::vector<Cdl> out;
    try {
        const auto group = OCIO::CDLTransform::CreateGroupFromFile(path.c_str());
        for (int i = 0; i < group->getNumTransforms(); ++i) {
            const auto t = OCIO::DynamicPtrCast<const OCIO::CDLTransform>(group->getTransform(i));
            if (!t) continue;
            Cdl c;
            t->getSlope(c.slope.data());
            t->getOffset(c.offset.data());
            t->getPower(c.power.data());
            c.saturation = t->getSat();
            c.id = t->getID();
            out.push_back(c);
        }
    } catch (const OCIO::Exception& e) {
        throw InputError(path + ": not a readable ASC CDL file: " + ocio_reason(e.what()));
    }
    if (out.empty()) throw InputError(path + ": holds no ColorCorrection");
    return out;
}

}  // namespace cinepipe

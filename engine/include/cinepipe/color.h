#pragma once
// Colour grading operations: colour-space conversions, display/view transforms and looks from
// an OpenColorIO config, ASC CDLs and LUT files. A chain of them becomes one ColorProcessor,
// built once (OCIO optimises the whole chain) and applied to float RGB from many threads.
// OpenColorIO itself stays inside the engine.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/color_tags.h"
#include "cinepipe/frame.h"

namespace cinepipe {

// ASC CDL 1.2: out = clamp(in * slope + offset) ^ power, then saturation with Rec.709 luma
// weights, clamped to 0..1 (OCIO's CDL_ASC style).
struct Cdl {
    std::array<double, 3> slope{1, 1, 1};
    std::array<double, 3> offset{0, 0, 0};
    std::array<double, 3> power{1, 1, 1};
    double saturation = 1;
    std::string id;  // the ColorCorrection id from a file; empty when given by value
    [[nodiscard]] bool is_identity() const;
};

// One correction from an ASC .cdl, .cc or .ccc file: `id` picks it ("" takes the only one,
// or the first of a collection). Throws InputError naming the file (and, for an unknown id,
// the ids the file has).
Cdl load_cdl(const std::string& path, const std::string& id = {});
// Every correction in the file, in file order.
std::vector<Cdl> load_cdl_collection(const std::string& path);
// "r,g,b" (or one number for all three) as written on a command line. Throws
// std::invalid_argument.
std::array<double, 3> parse_triplet(const std::string& text);

enum class LutInterpolation : std::uint8_t { Tetrahedral, Linear, Best };

struct ColorOp {
    enum class Kind : std::uint8_t { ColorSpace, DisplayView, Look, Cdl, Lut };
    Kind kind = Kind::ColorSpace;
    std::string from;     // ColorSpace, DisplayView, Look: the input colour space
    std::string to;       // ColorSpace: the output colour space; Look: "" keeps `from`
    std::string display;  // DisplayView
    std::string view;     // DisplayView
    std::string looks;    // Look: "name" or "+a, -b" as OCIO spells look lists
    Cdl cdl;              // Cdl
    std::string lut;      // Lut: a file OpenColorIO's FileTransform reads
    LutInterpolation interpolation = LutInterpolation::Tetrahedral;
    bool inverse = false;  // Cdl, Lut
};

struct ColorPipeline {
    // An OCIO config file; empty: $OCIO when set, else cinepipe's built-in default config
    // (samples/ocio/config.ocio, compiled in).
    std::string config;
    std::vector<ColorOp> ops;  // applied in order
    // Always OCIO's exact CPU path, never the lattice (also forced for every processor by
    // CINEPIPE_EXACT_COLOR=1 in the environment, for comparisons).
    bool exact = false;
};

// How a processor runs (docs/PERFORMANCE.md): OCIO's exact CPU path, or a 3D lattice with a
// vectorised tetrahedral kernel, either taken as is from the chain (it is one 3D LUT; or it
// ends in one, and OCIO runs what comes before) or baked from OCIO's results and kept only
// when its measured error is within 0.1% of full scale.
struct ColorFastPath {
    enum class Kind : std::uint8_t { Exact, Lut, Cdl, Baked, LutAfterOcio };
    Kind kind = Kind::Exact;
    int size = 0;          // lattice nodes per axis
    double max_error = 0;  // largest |lattice - OCIO| seen while validating, 0..1 scale
    std::string reason;    // why the exact path (or this lattice) was chosen
    [[nodiscard]] std::string describe() const;
};

class ColorProcessor {
  public:
    // Builds and optimises the whole chain once. Throws InputError naming what is wrong: the
    // config, LUT or CDL file (with OCIO's reason, which gives the line where it has one), or
    // an unknown colour space, display, view or look together with the names available.
    static std::shared_ptr<const ColorProcessor> create(const ColorPipeline& pipeline);
    ~ColorProcessor();
    ColorProcessor(const ColorProcessor&) = delete;
    ColorProcessor& operator=(const ColorProcessor&) = delete;

    // In place, on a Gbrpf32 or Gbrapf32 frame (alpha untouched), in cache-sized row strips.
    // Thread-safe: one processor serves every frame in flight.
    void apply(VideoFrame& frame) const;
    // From `in` to `out` (same format and size, Gbrpf32 or Gbrapf32; alpha copied), in strips,
    // without an intermediate copy.
    void apply(const VideoFrame& in, VideoFrame& out) const;
    // In place, on `rows` rows of planar float R, G, B (A may be null).
    void apply(float* r, float* g, float* b, float* a, int width, int rows,
               std::ptrdiff_t stride_bytes) const;

    // One YUV frame (4:4:4 or 4:2:2, BT.709/601/2020 matrix) graded into `out` (same format
    // and size) in one fused pass per row, without a float frame. Returns false, writing
    // nothing, when the lattice path does not apply (exact chain, 4:2:0, another matrix).
    // Thread-safe.
    bool apply_yuv(const VideoFrame& in, VideoFrame& out) const;

    [[nodiscard]] bool is_noop() const;
    [[nodiscard]] const ColorFastPath& fast_path() const;
    // One line: "ARRI LogC3 (EI800) / AWG -> Rec.1886 Rec.709 - Display; CDL A001; LUT show.cube"
    [[nodiscard]] const std::string& description() const;
    // The primaries and transfer the output carries after the chain's last colour-space or
    // display conversion: Rec.709, sRGB, linear Rec.709 or Rec.2020 where recognised,
    // unspecified for other destinations (log, ACES); nullopt when the chain converts no colour
    // space (CDLs and LUTs keep the input's tags).
    [[nodiscard]] const std::optional<ColorTags>& output_tags() const;

  private:
    ColorProcessor();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// What a config offers, for listings and error messages.
struct ColorConfigNames {
    std::string source;  // the file, "$OCIO=<file>" or "built-in default"
    std::vector<std::string> colorspaces;
    std::map<std::string, std::vector<std::string>> aliases;  // per colour space
    std::vector<std::string> displays;
    std::map<std::string, std::vector<std::string>> views;  // per display
    std::vector<std::string> looks;
};
ColorConfigNames color_config_names(const std::string& config = {});

}  // namespace cinepipe

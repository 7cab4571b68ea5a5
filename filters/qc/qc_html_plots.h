#pragma once
// The HTML report's plots: one inline SVG per measurement over the clip's timeline, every QC
// event shaded across it in its severity's colour, the time axis in timecode. Long clips are
// reduced to at most kMaxPoints per series (each point a bucket's min, mean or max, so a
// one-frame spike survives), keeping an hour's report small.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "cinepipe/qc_result.h"

namespace cinepipe::qc {

inline constexpr std::size_t kMaxPoints = 1500;

enum class Reduce : std::uint8_t { Min, Mean, Max };

struct PlotSeries {
    std::string name;    // the legend's text
    std::string colour;  // CSS colour
    Reduce reduce = Reduce::Mean;
    // The value at a frame (NaN: none there, a gap in the line).
    std::function<float(std::size_t)> at;
};

struct PlotSpec {
    std::string id;  // the svg's id, "plot-" + id
    std::string title;
    std::string unit;  // for the y axis, "LUFS"
    double y_min = 0;
    double y_max = 1;
    std::vector<PlotSeries> series;
    std::vector<std::pair<double, std::string>> guides;  // dashed horizontal lines, labelled
};

// The plot over frames [0, frames) at `fps` (for the time ticks).
std::string timeline_svg(const PlotSpec& spec, const QcResult& result, std::size_t frames,
                         double fps);

// A round step for about `target` ticks over `span` (1, 2 or 5 times a power of ten).
double nice_step(double span, int target);

}  // namespace cinepipe::qc

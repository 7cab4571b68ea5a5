// `stats`: per-frame luma minimum, average and maximum in the picture's own code values (as
// FFmpeg's signalstats YMIN/YAVG/YMAX), written as JSON. Reads the native luma plane: no
// conversion for YUV sources, RGB is converted to YUV 4:4:4 16-bit by the graph.

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "cinepipe/output_file.h"
#include "qc_filters.h"

namespace cinepipe {

namespace {

struct LumaStats {
    int min = 0;
    int max = 0;
    double avg = 0;
};

template <typename T>
LumaStats luma_stats(const VideoFrame& f) {
    int lo = std::numeric_limits<int>::max();
    int hi = std::numeric_limits<int>::min();
    std::uint64_t sum = 0;
    const std::uint8_t* row = f.plane(0);
    for (int y = 0; y < f.height; ++y, row += f.stride[0]) {
        const T* p = reinterpret_cast<const T*>(row);
        for (int x = 0; x < f.width; ++x) {
            const int v = p[x];
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            sum += static_cast<std::uint64_t>(v);
        }
    }
    const double n = static_cast<double>(f.width) * f.height;
    return {lo, hi, static_cast<double>(sum) / n};
}

class StatsAnalyser final : public Node {
  public:
    StatsAnalyser(const ParamSet& params, const NodeContext& ctx)
        : out_(params.get_string("path"), ctx.overwrite || params.get_bool("overwrite")) {}

    std::vector<PixelFormat> accepted_formats(const StreamDesc& in) override {
        (void)in;
        std::vector<PixelFormat> yuv;
        for (int i = 0; i <= static_cast<int>(PixelFormat::Gbrapf32); ++i) {
            const auto f = static_cast<PixelFormat>(i);
            if (info(f).family == ColorFamily::Yuv) yuv.push_back(f);
        }
        return yuv;
    }

    // The report is streamed: a header, one line per frame, the summary at the end, so a
    // two-hour clip costs no more memory than a short one.
    StreamDesc configure(const StreamDesc& in) override {
        const nlohmann::json header = {{"schema", "cinepipe.stats/1"},
                                       {"format", to_string(in.format)},
                                       {"bit_depth", info(in.format).bit_depth},
                                       {"width", in.width},
                                       {"height", in.height}};
        std::string text = header.dump();
        text.pop_back();  // reopen the object for "frames" and "summary"
        out_.write(text + ",\n\"frames\": [");
        return in;
    }

    void consume(const MediaUnit& unit) override {
        if (!unit.video) return;
        const VideoFrame& f = *unit.video;
        const LumaStats s = info(f.format).bit_depth > 8 ? luma_stats<std::uint16_t>(f)
                                                         : luma_stats<std::uint8_t>(f);
        nlohmann::json frame = {
            {"index", f.index},
            {"pts_time", static_cast<double>(f.pts) * f.time_base.num / f.time_base.den},
            {"ymin", s.min},
            {"yavg", s.avg},
            {"ymax", s.max}};
        frame["timecode"] = f.timecode ? nlohmann::json(f.timecode->to_string()) : nlohmann::json();
        out_.write((count_ == 0 ? "\n " : ",\n ") + frame.dump());
        lo_ = std::min(lo_, s.min);
        hi_ = std::max(hi_, s.max);
        sum_avg_ += s.avg;
        ++count_;
    }

    void finish() override {
        const nlohmann::json summary = {
            {"frames", count_},
            {"ymin", count_ ? lo_ : 0},
            {"ymax", count_ ? hi_ : 0},
            {"yavg", count_ ? sum_avg_ / static_cast<double>(count_) : 0.0}};
        out_.write("\n],\n\"summary\": " + summary.dump() + "\n}\n");
        out_.close();
    }
    void commit() override { out_.commit(); }
    [[nodiscard]] std::vector<std::string> outputs() const override { return {out_.path()}; }

  private:
    TextOutput out_;
    int lo_ = std::numeric_limits<int>::max();
    int hi_ = std::numeric_limits<int>::min();
    double sum_avg_ = 0;
    std::int64_t count_ = 0;
};

}  // namespace

FilterInfo stats_filter_info() {
    FilterInfo f;
    f.name = "stats";
    f.version = "1.0";
    f.kind = NodeKind::Analyser;
    f.family = "qc";
    f.help =
        "Per-frame luma min/average/max in code values (as signalstats YMIN/YAVG/YMAX), "
        "written as JSON.";
    f.params = {path_param("JSON report to write"), overwrite_param()};
    f.thread_safe = false;
    f.needs_in_order = true;
    f.create = [](const ParamSet& p, const NodeContext& ctx) {
        return std::make_unique<StatsAnalyser>(p, ctx);
    };
    return f;
}

}  // namespace cinepipe

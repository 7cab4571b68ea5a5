// `framemd5`: one MD5 per picture, in the text format of FFmpeg's framemd5 muxer, so a graph's
// output can be checked against `ffmpeg -i IN -pix_fmt FMT -f framemd5 -` line by line, and
// two runs (other thread counts, other machines) compared exactly.

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "cinepipe/frame_hash.h"
#include "cinepipe/output_file.h"
#include "qc_filters.h"

namespace cinepipe {

namespace {

class FrameMd5Analyser final : public Node {
  public:
    FrameMd5Analyser(const ParamSet& params, const NodeContext& ctx)
        : out_(params.get_string("path"), ctx.overwrite || params.get_bool("overwrite")) {}

    std::vector<PixelFormat> accepted_formats(const StreamDesc& in) override {
        (void)in;
        return {};
    }

    StreamDesc configure(const StreamDesc& in) override {
        const Rational tb = in.frame_rate.inverse();
        out_.write(fmt::format(
            "#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: {}/{}\n#media_type 0: "
            "video\n#codec_id 0: rawvideo\n#dimensions 0: {}x{}\n#sar 0: {}/{}\n#pix_fmt 0: {}\n"
            "#stream#, dts,        pts, duration,     size, hash\n",
            tb.num, tb.den, in.width, in.height, in.sample_aspect.num, in.sample_aspect.den,
            to_string(in.format)));
        time_base_ = tb;
        return in;
    }

    void consume(const MediaUnit& unit) override {
        if (!unit.video) return;
        const VideoFrame& f = *unit.video;
        const std::int64_t pts = rescale(f.pts, f.time_base, time_base_);
        const std::int64_t duration =
            f.duration > 0 ? rescale(f.duration, f.time_base, time_base_) : 1;
        out_.write(fmt::format("0, {:>10}, {:>10}, {:>8}, {:>8}, {}\n", pts, pts, duration,
                               frame_data_size(f), frame_md5(f)));
    }

    void finish() override { out_.close(); }
    void commit() override { out_.commit(); }
    [[nodiscard]] std::vector<std::string> outputs() const override { return {out_.path()}; }

  private:
    TextOutput out_;  // streamed: memory does not grow with clip length
    Rational time_base_{1, 24};
};

}  // namespace

FilterInfo framemd5_filter_info() {
    FilterInfo f;
    f.name = "framemd5";
    f.version = "1.0";
    f.kind = NodeKind::Analyser;
    f.family = "qc";
    f.help =
        "Writes one MD5 per picture in FFmpeg's framemd5 format (compare with ffmpeg -f "
        "framemd5).";
    f.params = {path_param("Checksum list to write (text)"), overwrite_param()};
    f.thread_safe = false;
    f.needs_in_order = true;
    f.create = [](const ParamSet& p, const NodeContext& ctx) {
        return std::make_unique<FrameMd5Analyser>(p, ctx);
    };
    return f;
}

}  // namespace cinepipe

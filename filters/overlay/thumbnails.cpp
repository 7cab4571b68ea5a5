// thumbnails: a poster frame and a contact sheet (a grid of pictures spread over the clip,
// each labelled with its timecode) as JPEG/PNG. Only the chosen frames are converted, to
// small 8-bit RGB, as they stream past; nothing else is kept.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "cinepipe/node.h"
#include "cinepipe/params.h"
#include "cinepipe/still_image.h"
#include "overlay_filters.h"

namespace cinepipe::overlay {

namespace {

class Thumbnails final : public Node {
  public:
    Thumbnails(const ParamSet& params, const NodeContext& ctx)
        : poster_path_(params.get_string("poster")),
          sheet_path_(params.get_string("sheet")),
          count_(static_cast<int>(params.get_int("count"))),
          width_(static_cast<int>(params.get_int("width"))),
          columns_(static_cast<int>(params.get_int("columns"))),
          poster_at_(params.get_float("poster_at")),
          overwrite_(ctx.overwrite || params.get_bool("overwrite")),
          id_(ctx.id) {
        if (poster_path_.empty() && sheet_path_.empty())
            throw InputError("thumbnails needs a poster or a sheet path");
        if (!poster_path_.empty()) check_still_target(poster_path_, overwrite_);
        if (!sheet_path_.empty()) check_still_target(sheet_path_, overwrite_);
        if (ctx.source) {
            title_ = ctx.source->clip_name;
            if (ctx.source->video) {
                const auto& v = *ctx.source->video;
                frames_ = v.frame_count > 0 ? v.frame_count
                                            : static_cast<std::int64_t>(std::floor(
                                                  v.duration * v.frame_rate.to_double()));
            }
            if (ctx.source->start_timecode)
                title_ += "  " + ctx.source->start_timecode->to_string();
        }
    }

    StreamDesc configure(const StreamDesc& in) override {
        // Square pixels at `width`, the display aspect kept, even height.
        const double sar = in.sample_aspect.num > 0 && in.sample_aspect.den > 0
                               ? in.sample_aspect.to_double()
                               : 1.0;
        const double dar = in.width * sar / in.height;
        const int w =
            std::min(width_, std::max(16, static_cast<int>(std::lround(in.height * dar))));
        const int h = std::max(2, static_cast<int>(std::lround(w / dar / 2)) * 2);
        ConverterOptions co;
        co.format = PixelFormat::Rgb48;
        co.width = w;
        co.height = h;
        co.filter = ScaleFilter::Area;
        co.pool_size = 2;
        converter_ = std::make_unique<FrameConverter>(co);
        // Evenly spread over the clip, first and last frame included.
        const std::int64_t n = std::max<std::int64_t>(frames_, 1);
        for (int i = 0; i < count_; ++i)
            sheet_at_.insert(count_ == 1 ? 0 : (n - 1) * i / (count_ - 1));
        poster_index_ =
            std::clamp<std::int64_t>(static_cast<std::int64_t>(poster_at_ * (n - 1)), 0, n - 1);
        return in;
    }

    void consume(const MediaUnit& unit) override {
        if (!unit.video) return;
        const VideoFrame& f = *unit.video;
        last_ = unit.video;
        const bool for_sheet = !sheet_path_.empty() && sheet_at_.count(f.index);
        const bool for_poster = !poster_path_.empty() && f.index == poster_index_;
        if (!for_sheet && !for_poster) return;
        ContactSheetCell cell{small(unit.video), label(f)};
        if (for_poster) poster_ = cell.image;
        if (for_sheet) cells_.push_back(std::move(cell));
    }

    void finish() override {
        // A clip shorter than its header said: the last frame stands in for what was missed.
        if (!poster_path_.empty() && !poster_ && last_) poster_ = small(last_);
        if (!sheet_path_.empty() && cells_.size() < sheet_at_.size() && last_ &&
            (cells_.empty() || cells_.back().label != label(*last_)))
            cells_.push_back({small(last_), label(*last_)});
        if (!poster_path_.empty()) {
            if (!poster_) throw FilterError(id_ + ": no picture for the poster frame");
            files_.emplace_back(poster_path_, *poster_, overwrite_);
        }
        if (!sheet_path_.empty()) {
            if (cells_.empty()) throw FilterError(id_ + ": no pictures for the contact sheet");
            files_.emplace_back(sheet_path_, make_contact_sheet(cells_, columns_, title_),
                                overwrite_);
        }
    }

    void commit() override {
        for (auto& f : files_) f.commit();
    }

    [[nodiscard]] std::vector<std::string> outputs() const override {
        std::vector<std::string> out;
        if (!poster_path_.empty()) out.push_back(poster_path_);
        if (!sheet_path_.empty()) out.push_back(sheet_path_);
        return out;
    }

  private:
    [[nodiscard]] RgbImage small(const FramePtr& frame) const {
        const FramePtr rgb = converter_->convert(frame);
        RgbImage img;
        img.width = rgb->width;
        img.height = rgb->height;
        img.rgb.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) *
                       3);
        for (int y = 0; y < img.height; ++y) {
            const auto* row =
                reinterpret_cast<const std::uint16_t*>(rgb->plane(0) + y * rgb->stride[0]);
            for (int x = 0; x < img.width * 3; ++x)
                img.rgb[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) * 3 +
                        static_cast<std::size_t>(x)] =
                    static_cast<std::uint8_t>((row[x] + 128) / 257);
        }
        return img;
    }
    static std::string label(const VideoFrame& f) {
        return f.timecode ? f.timecode->to_string() : fmt::format("frame {}", f.index);
    }

    std::string poster_path_, sheet_path_;
    int count_, width_, columns_;
    double poster_at_;
    bool overwrite_;
    std::string id_;
    std::string title_;
    std::int64_t frames_ = 0;
    std::set<std::int64_t> sheet_at_;
    std::int64_t poster_index_ = 0;
    std::unique_ptr<FrameConverter> converter_;
    FramePtr last_;
    std::optional<RgbImage> poster_;
    std::vector<ContactSheetCell> cells_;
    std::vector<StillFile> files_;
};

ParamSpec fraction(std::string name, double def, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Float;
    p.default_value = def;
    p.min = 0;
    p.max = 1;
    p.help = std::move(help);
    return p;
}

}  // namespace

FilterInfo thumbnails_filter_info() {
    FilterInfo fi;
    fi.name = "thumbnails";
    fi.version = "1.0";
    fi.kind = NodeKind::Analyser;
    fi.family = "overlay";
    fi.help =
        "A poster frame and a contact sheet (a grid of frames with their timecodes) as "
        "JPEG or PNG.";
    fi.params = {
        string_param("poster", "", "Poster frame to write (.jpg or .png); empty: none"),
        string_param("sheet", "", "Contact sheet to write (.jpg or .png); empty: none"),
        int_param("count", 12, 1, 400,
                  "Pictures on the contact sheet, spread evenly over the clip"),
        int_param("columns", 4, 1, 40, "Columns of the contact sheet"),
        int_param("width", 320, 16, 4096, "Width of each picture in pixels (square pixels)"),
        fraction("poster_at", 0.5, "Where the poster frame is taken, as a fraction of the clip"),
        bool_param("overwrite", false, "Replace existing files"),
    };
    fi.thread_safe = false;
    fi.needs_in_order = true;
    fi.create = [](const ParamSet& p, const NodeContext& ctx) {
        return std::make_unique<Thumbnails>(p, ctx);
    };
    return fi;
}

}  // namespace cinepipe::overlay

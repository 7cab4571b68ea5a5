// burnin: source timecode, clip/reel name, frame counter and custom text drawn into the
// picture, each on a translucent box, for review copies. Text is rendered by the engine
// (FreeType, engine/src/text_renderer.cpp) to coverage masks: the fixed texts once, the
// timecode and frame number per frame. Drawing blends towards white (text) and black (box) in
// the frame's own format, so no conversion is needed before an encoder.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "cinepipe/error.h"
#include "cinepipe/node.h"
#include "cinepipe/params.h"
#include "cinepipe/still_image.h"
#include "overlay_filters.h"

namespace cinepipe::overlay {

namespace {

enum class Kind { Timecode, Clip, Reel, Frame, Text };
enum class Corner { TopLeft, TopCentre, TopRight, BottomLeft, BottomCentre, BottomRight, Centre };

struct Item {
    Kind kind;
    Corner where;
    std::string text;  // Text: the words; Clip/Reel: filled in from the source
};

const std::map<std::string, Corner>& corners() {
    static const std::map<std::string, Corner> m = {
        {"tl", Corner::TopLeft},    {"tc", Corner::TopCentre},    {"tr", Corner::TopRight},
        {"bl", Corner::BottomLeft}, {"bc", Corner::BottomCentre}, {"br", Corner::BottomRight},
        {"c", Corner::Centre}};
    return m;
}

Corner default_corner(Kind k) {
    switch (k) {
        case Kind::Clip:
        case Kind::Reel:
            return Corner::TopLeft;
        case Kind::Timecode:
            return Corner::TopRight;
        case Kind::Frame:
            return Corner::BottomRight;
        case Kind::Text:
            return Corner::BottomCentre;
    }
    return Corner::Centre;
}

// "timecode,clip@bl,frame,text=FOR REVIEW ONLY@c": items separated by commas, each with an
// optional @corner. The words of text= run up to the next known item, so they may hold commas.
std::vector<Item> parse_items(const std::string& spec) {
    static const std::map<std::string, Kind> kinds = {{"timecode", Kind::Timecode},
                                                      {"clip", Kind::Clip},
                                                      {"reel", Kind::Reel},
                                                      {"frame", Kind::Frame}};
    std::vector<std::string> pieces;
    std::size_t start = 0;
    while (start <= spec.size()) {
        const auto comma = spec.find(',', start);
        pieces.push_back(
            spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    const auto split_corner = [](std::string piece, Corner fallback) {
        Corner where = fallback;
        if (const auto at = piece.rfind('@'); at != std::string::npos) {
            const auto it = corners().find(piece.substr(at + 1));
            if (it == corners().end())
                throw InputError(
                    fmt::format("burn-in position '{}' is not one of tl, tc, tr, bl, bc, br, c",
                                piece.substr(at + 1)));
            where = it->second;
            piece.resize(at);
        }
        return std::pair{piece, where};
    };
    std::vector<Item> items;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const std::string& p = pieces[i];
        if (p.rfind("text=", 0) == 0) {
            std::string words = p.substr(5);
            while (i + 1 < pieces.size() &&
                   !kinds.count(split_corner(pieces[i + 1], Corner::Centre).first) &&
                   pieces[i + 1].rfind("text=", 0) != 0)
                words += "," + pieces[++i];
            auto [text, where] = split_corner(words, default_corner(Kind::Text));
            if (text.empty()) throw InputError("burn-in text= is empty");
            items.push_back({Kind::Text, where, text});
            continue;
        }
        if (p.empty()) continue;
        auto [name, where] = split_corner(p, Corner::Centre);
        const auto it = kinds.find(name);
        if (it == kinds.end())
            throw InputError(fmt::format(
                "burn-in item '{}' is not timecode, clip, reel, frame or text=WORDS", name));
        if (p.find('@') == std::string::npos) where = default_corner(it->second);
        items.push_back({it->second, where, ""});
    }
    if (items.empty()) throw InputError("burn-in needs at least one item");
    return items;
}

// A code value per plane for black and white (and the neutral chroma) in `format`.
struct Levels {
    double black[4] = {0, 0, 0, 0};
    double white[4] = {1, 1, 1, 1};
};

Levels levels_for(PixelFormat format, ColorRange range) {
    const auto& fi = info(format);
    Levels l;
    if (fi.sample == SampleType::F32) return l;  // 0 and 1 in every RGB plane
    const double max = std::ldexp(1.0, fi.bit_depth) - 1;
    if (fi.family == ColorFamily::Rgb) {
        for (int c = 0; c < 4; ++c) l.white[c] = max;
        return l;
    }
    const double scale = std::ldexp(1.0, fi.bit_depth - 8);
    const double mid = std::ldexp(1.0, fi.bit_depth - 1);
    const bool full = range == ColorRange::Full;
    l.black[0] = full ? 0 : 16 * scale;
    l.white[0] = full ? max : 235 * scale;
    l.black[1] = l.black[2] = l.white[1] = l.white[2] = mid;
    l.black[3] = l.white[3] = max;  // alpha stays opaque
    return l;
}

template <typename T>
void blend_sample(std::uint8_t* p, double box, double text, double black, double white) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    double x = static_cast<double>(v);
    x = x + (black - x) * box;
    x = x + (white - x) * text;
    if constexpr (std::is_floating_point_v<T>)
        v = static_cast<T>(x);
    else
        v = static_cast<T>(std::lround(x));
    std::memcpy(p, &v, sizeof(T));
}

class BurnIn final : public Node {
  public:
    BurnIn(const ParamSet& params, const NodeContext& ctx)
        : items_(parse_items(params.get_string("items"))),
          font_(params.get_string("font")),
          size_(params.get_float("size")),
          box_opacity_(params.get_float("box_opacity")),
          text_opacity_(params.get_float("text_opacity")),
          margin_(params.get_float("margin")),
          pool_size_(ctx.pool_size) {
        if (ctx.source) {
            clip_ = ctx.source->clip_name;
            reel_ = ctx.source->reel_name;
            start_tc_ = ctx.source->start_timecode;
        }
    }

    std::vector<PixelFormat> accepted_formats(const StreamDesc& in) override {
        return {in.format};  // draws in any working format
    }

    StreamDesc configure(const StreamDesc& in) override {
        in_ = in;
        const int px = std::max(8, static_cast<int>(std::lround(size_ * in.height)));
        renderer_ =
            std::make_unique<TextRenderer>(font_.empty() ? default_burnin_font() : font_, px);
        pad_ = std::max(2, px / 5);
        for (auto& item : items_) {
            if (item.kind == Kind::Clip) item.text = clip_.empty() ? "(no clip name)" : clip_;
            if (item.kind == Kind::Reel) item.text = reel_.empty() ? "(no reel)" : reel_;
            if (item.kind == Kind::Clip || item.kind == Kind::Reel || item.kind == Kind::Text)
                fixed_.emplace(&item, renderer_->render(item.text));
        }
        pool_ = std::make_unique<FramePool>(in.format, in.width, in.height, pool_size_);
        return in;
    }

    FramePtr process(const FramePtr& in) override {
        if (in->format != in_.format || in->width != in_.width || in->height != in_.height)
            throw FilterError(fmt::format("burnin: frame {} changed format or size", in->index));
        // A picture no one else holds is drawn on in place; otherwise on a copy.
        std::shared_ptr<VideoFrame> out;
        if (writable_in_place(in)) {
            out = std::const_pointer_cast<VideoFrame>(in);
        } else {
            out = pool_->acquire();
            copy_frame_props(*in, *out);
            for (int p = 0; p < info(in->format).planes; ++p)
                for (int row = 0; row < in->plane_height(p); ++row)
                    std::memcpy(
                        out->mutable_plane(p) + row * out->stride[static_cast<std::size_t>(p)],
                        in->plane(p) + row * in->stride[static_cast<std::size_t>(p)],
                        in->row_bytes(p));
        }
        // Items sharing a corner stack away from the edge, in the order given.
        std::map<Corner, int> stacked;
        const Levels lv = levels_for(out->format, out->tags.range);
        for (const auto& item : items_) {
            TextMask dynamic;
            const TextMask* mask = nullptr;
            if (auto it = fixed_.find(&item); it != fixed_.end()) {
                mask = &it->second;
            } else {
                dynamic = renderer_->render(text_for(item, *in));
                mask = &dynamic;
            }
            draw(*out, *mask, item.where, stacked[item.where]++, lv,
                 item.kind == Kind::Text ? text_opacity_ : 1.0);
        }
        return out;
    }

    [[nodiscard]] std::string describe() const override {
        std::string s;
        for (const auto& item : items_) {
            static const char* names[] = {"timecode", "clip", "reel", "frame", "text"};
            s += (s.empty() ? "" : ", ") + std::string(names[static_cast<int>(item.kind)]);
        }
        return "burn-in " + s;
    }

  private:
    std::string text_for(const Item& item, const VideoFrame& f) const {
        if (item.kind == Kind::Frame) return fmt::format("{:06d}", f.index);
        // The frame's own timecode follows the stream's clock (gaps included); a source
        // without one counts from its start timecode.
        if (f.timecode) return f.timecode->to_string();
        if (start_tc_) return start_tc_->advanced(f.index).to_string();
        return fmt::format("{:06d}", f.index);
    }

    void draw(VideoFrame& f, const TextMask& m, Corner where, int slot, const Levels& lv,
              double opacity) const {
        const int bw = m.width + 2 * pad_;
        const int bh = m.height + 2 * pad_;
        const int mx = static_cast<int>(std::lround(margin_ * f.height));
        const int step = bh + pad_;
        int x = mx, y = mx + slot * step;
        switch (where) {
            case Corner::TopCentre:
                x = (f.width - bw) / 2;
                break;
            case Corner::TopRight:
                x = f.width - bw - mx;
                break;
            case Corner::BottomLeft:
                y = f.height - bh - mx - slot * step;
                break;
            case Corner::BottomCentre:
                x = (f.width - bw) / 2;
                y = f.height - bh - mx - slot * step;
                break;
            case Corner::BottomRight:
                x = f.width - bw - mx;
                y = f.height - bh - mx - slot * step;
                break;
            case Corner::Centre:
                x = (f.width - bw) / 2;
                y = (f.height - bh) / 2 + slot * step;
                break;
            default:
                break;
        }
        const auto& fi = info(f.format);
        const std::size_t sample = fi.sample == SampleType::U8    ? 1
                                   : fi.sample == SampleType::U16 ? 2
                                                                  : 4;
        // Coverage of box and text at full resolution, read averaged over each plane's
        // subsampling block so 4:2:x chroma follows the text's edge.
        const auto box_at = [&](int px, int py) {
            return px >= x && px < x + bw && py >= y && py < y + bh ? box_opacity_ : 0.0;
        };
        const auto text_at = [&](int px, int py) {
            const int tx = px - x - pad_, ty = py - y - pad_;
            if (tx < 0 || ty < 0 || tx >= m.width || ty >= m.height) return 0.0;
            return opacity * m.coverage[static_cast<std::size_t>(ty * m.width + tx)];
        };
        const int planes = fi.planes == 1 ? fi.components : fi.planes;
        for (int p = 0; p < planes; ++p) {
            const int plane = fi.planes == 1 ? 0 : p;
            const bool chroma = fi.family == ColorFamily::Yuv && (p == 1 || p == 2);
            const int sx = chroma ? fi.chroma_shift_x : 0;
            const int sy = chroma ? fi.chroma_shift_y : 0;
            if (fi.has_alpha && p == 3) continue;  // the picture's alpha is left as it is
            const int x0 = std::max(0, x) >> sx,
                      x1 = std::min(f.width, x + bw + (1 << sx) - 1) >> sx;
            const int y0 = std::max(0, y) >> sy,
                      y1 = std::min(f.height, y + bh + (1 << sy) - 1) >> sy;
            for (int py = y0; py < y1; ++py) {
                std::uint8_t* row =
                    f.mutable_plane(plane) + py * f.stride[static_cast<std::size_t>(plane)];
                for (int px = x0; px < x1; ++px) {
                    double box = 0, text = 0;
                    for (int dy = 0; dy < (1 << sy); ++dy)
                        for (int dx = 0; dx < (1 << sx); ++dx) {
                            box += box_at((px << sx) + dx, (py << sy) + dy);
                            text += text_at((px << sx) + dx, (py << sy) + dy);
                        }
                    const double n = static_cast<double>(1 << (sx + sy));
                    std::uint8_t* at =
                        fi.planes == 1
                            ? row + (static_cast<std::size_t>(px) * fi.components + p) * sample
                            : row + static_cast<std::size_t>(px) * sample;
                    const double black = lv.black[p], white = lv.white[p];
                    if (fi.sample == SampleType::U8)
                        blend_sample<std::uint8_t>(at, box / n, text / n, black, white);
                    else if (fi.sample == SampleType::U16)
                        blend_sample<std::uint16_t>(at, box / n, text / n, black, white);
                    else
                        blend_sample<float>(at, box / n, text / n, black, white);
                }
            }
        }
    }

    std::vector<Item> items_;
    std::string font_;
    double size_;
    double box_opacity_;
    double text_opacity_;
    double margin_;
    std::size_t pool_size_;
    std::string clip_, reel_;
    std::optional<Timecode> start_tc_;
    StreamDesc in_;
    int pad_ = 4;
    std::unique_ptr<TextRenderer> renderer_;
    std::map<const Item*, TextMask> fixed_;
    std::unique_ptr<FramePool> pool_;
};

ParamSpec fraction_param(std::string name, double def, double min, double max, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Float;
    p.default_value = def;
    p.min = min;
    p.max = max;
    p.help = std::move(help);
    return p;
}

}  // namespace

FilterInfo burnin_filter_info() {
    FilterInfo fi;
    fi.name = "burnin";
    fi.version = "1.0";
    fi.kind = NodeKind::Transform;
    fi.family = "overlay";
    fi.help =
        "Burns source timecode, clip/reel name, frame counter and custom text into the "
        "picture, each on a translucent box.";
    fi.params = {
        string_param("items", "timecode,clip,frame",
                     "What to draw, comma-separated: timecode, clip, reel, frame, text=WORDS; each "
                     "may end in @tl, @tc, @tr, @bl, @bc, @br or @c (defaults: clip and reel top "
                     "left, timecode top right, frame bottom right, text bottom centre)"),
        string_param("font", "",
                     "Font file or name (default: DejaVu Sans Mono Bold, whose equal-width digits "
                     "keep a running timecode still)"),
        fraction_param("size", 0.045, 0.01, 0.5, "Text height as a fraction of the picture height"),
        fraction_param("box_opacity", 0.6, 0, 1, "Opacity of the black box behind each item"),
        fraction_param("text_opacity", 1, 0, 1,
                       "Opacity of the text= item's letters (lower for a watermark)"),
        fraction_param("margin", 0.03, 0, 0.4,
                       "Distance from the picture's edges, as a fraction of its height"),
    };
    fi.thread_safe = true;
    fi.needs_in_order = false;
    fi.create = [](const ParamSet& p, const NodeContext& ctx) {
        return std::make_unique<BurnIn>(p, ctx);
    };
    return fi;
}

}  // namespace cinepipe::overlay

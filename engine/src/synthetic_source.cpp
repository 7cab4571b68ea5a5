// A test-pattern source: detailed moving content (so codecs and QC checks see real work),
// a seven-segment frame counter, a slate whose white flash frame coincides with a 1 kHz
// beep of exactly one frame, and stereo tones. Deterministic: frame n is the same on every
// run and machine.

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "cinepipe/error.h"
#include "cinepipe/samples.h"

namespace cinepipe {

namespace {

constexpr double kPi = std::numbers::pi;

// Segments a..g of a seven-segment display for each digit.
constexpr std::array<std::uint8_t, 10> kSegments{0x3F, 0x06, 0x5B, 0x4F, 0x66,
                                                 0x6D, 0x7D, 0x07, 0x7F, 0x6F};

class SyntheticSource final : public MediaReader {
  public:
    explicit SyntheticSource(const SyntheticOptions& o) : o_(o) {
        const auto& fi = cinepipe::info(o.format);
        if (fi.family != ColorFamily::Yuv || fi.sample == SampleType::F32)
            throw InputError(std::string("synthetic source: unsupported format ") + fi.name);
        if (o.width < 64 || o.height < 64 || o.width % 2 || o.height % 2)
            throw InputError("synthetic source: size must be even and at least 64x64");
        if (!o.rate.valid()) throw InputError("synthetic source: invalid frame rate");
        start_tc_ = Timecode::parse(o.start_timecode, o.rate, "synthetic source");
        flash_ = o.flash_frame >= 0 ? o.flash_frame : std::llround(o.rate.to_double());
        slate_end_ = flash_ + std::max<std::int64_t>(1, std::llround(o.rate.to_double() / 2));

        info_.path = "synthetic:" + o.clip_name;
        info_.container = "synthetic";
        info_.container_long = "cinepipe test pattern";
        info_.duration = double(o.frames) / o.rate.to_double();
        info_.clip_name = o.clip_name;
        info_.reel_name = o.reel_name;
        info_.start_timecode = start_tc_;
        info_.timecode_source = "start_frame";
        VideoStreamInfo v;
        v.codec = "synthetic";
        v.native_pix_fmt = fi.name;
        v.working_format = o.format;
        v.width = o.width;
        v.height = o.height;
        v.frame_rate = o.rate;
        v.avg_frame_rate = o.rate;
        v.tags = o.tags;
        v.field_order = FieldOrder::Progressive;
        v.frame_count = o.frames;
        v.duration = info_.duration;
        v.has_alpha = fi.has_alpha;
        info_.video = v;
        if (o.audio_channels > 0) {
            AudioStreamInfo a;
            a.index = 1;
            a.codec = "synthetic";
            a.sample_rate = o.sample_rate;
            a.channels = o.audio_channels;
            a.channel_layout =
                o.audio_channels == 2 ? "stereo" : std::to_string(o.audio_channels) + " channels";
            a.sample_format = "flt";
            a.duration = info_.duration;
            info_.audio.push_back(a);
        }
        pool_ = std::make_unique<FramePool>(o.format, o.width, o.height, 64);
        build_texture();
    }

    [[nodiscard]] const MediaInfo& info() const override { return info_; }
    [[nodiscard]] const ReadStats& stats() const override { return stats_; }

    std::optional<MediaUnit> next() override {
        if (next_ >= o_.frames) return std::nullopt;
        const std::int64_t n = next_++;
        MediaUnit unit;
        auto frame = pool_->acquire();
        frame->tags = o_.tags;
        frame->index = n;
        frame->pts = n;
        frame->time_base = o_.rate.inverse();
        frame->duration = 1;
        frame->timecode = start_tc_.advanced(n);
        render(*frame, n);
        unit.video = std::move(frame);
        if (o_.audio_channels > 0) unit.audio.push_back(audio_for(n));
        ++stats_.frames;
        ++stats_.decoded_pictures;
        if (!unit.audio.empty()) stats_.audio_samples += unit.audio.front().frames();
        return unit;
    }

  private:
    // A horizontally periodic luma texture: diagonal sweep, fine detail and a soft
    // gradient. Frames scroll it, so every frame differs from its neighbours.
    void build_texture() {
        texture_.resize(static_cast<std::size_t>(o_.width) * static_cast<std::size_t>(o_.height));
        for (int y = 0; y < o_.height; ++y) {
            for (int x = 0; x < o_.width; ++x) {
                const double u = double(x) / o_.width;
                const double v = double(y) / o_.height;
                const double sweep = 0.5 + 0.5 * std::sin(2 * kPi * (3 * u + 2 * v));
                const double detail =
                    0.5 + 0.5 * std::sin(2 * kPi * 40 * u) * std::cos(2 * kPi * 23 * v);
                const double value = 0.15 + 0.45 * sweep * (0.6 + 0.4 * v) + 0.25 * detail;
                texture_[static_cast<std::size_t>(y) * o_.width + x] =
                    static_cast<float>(std::clamp(value, 0.0, 1.0));
            }
        }
    }

    // Normalised picture value (0 = black, 1 = white, chroma 0.5 = neutral) to a code value
    // at the frame's bit depth and range.
    [[nodiscard]] int code(double value, bool chroma) const {
        const int depth = cinepipe::info(o_.format).bit_depth;
        const double scale = double(1 << (depth - 8));
        double c;
        if (o_.tags.range == ColorRange::Full) {
            c = value * ((1 << depth) - 1);
        } else {
            c = chroma ? (16 + 224 * value) * scale : (16 + 219 * value) * scale;
        }
        return static_cast<int>(std::lround(std::clamp(c, 0.0, double((1 << depth) - 1))));
    }

    template <typename T>
    void put(VideoFrame& f, int plane, int x, int y, int value) const {
        auto* row = reinterpret_cast<T*>(f.mutable_plane(plane) +
                                         f.stride[static_cast<std::size_t>(plane)] * y);
        row[x] = static_cast<T>(value);
    }

    void render(VideoFrame& f, std::int64_t n) {
        if (cinepipe::info(o_.format).sample == SampleType::U8)
            render_typed<std::uint8_t>(f, n);
        else
            render_typed<std::uint16_t>(f, n);
    }

    template <typename T>
    void render_typed(VideoFrame& f, std::int64_t n) {
        const bool slate = n < slate_end_;
        const bool flash = n == flash_;
        const int w = o_.width;
        const int h = o_.height;
        const int shift = static_cast<int>((n * 4) % w);
        // A box on a Lissajous path, different every frame.
        const double t = double(n) / o_.rate.to_double();
        const int bw = w / 8;
        const int bh = h / 6;
        const int bx = static_cast<int>((w - bw) * (0.5 + 0.45 * std::sin(2 * kPi * 0.31 * t)));
        const int by = static_cast<int>((h - bh) * (0.5 + 0.45 * std::sin(2 * kPi * 0.47 * t + 1)));
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                double yv;
                if (flash) {
                    yv = 1.0;
                } else if (slate) {
                    // Slate card: mid grey with clapper stripes.
                    yv = (y < h / 5) ? (((x + y) / (w / 16)) % 2 ? 0.9 : 0.1) : 0.45;
                } else {
                    yv = texture_[static_cast<std::size_t>(y) * w +
                                  static_cast<std::size_t>((x + shift) % w)];
                    if (x >= bx && x < bx + bw && y >= by && y < by + bh) yv = 0.8;
                }
                put<T>(f, 0, x, y, code(yv, false));
            }
        }
        const auto& fi = cinepipe::info(o_.format);
        const int cw = f.plane_width(1);
        const int ch = f.plane_height(1);
        // Chroma: a horizontal hue sweep that scrolls with the texture and a vertical one,
        // computed once per row/column rather than per sample.
        cb_row_.resize(static_cast<std::size_t>(cw));
        cr_col_.resize(static_cast<std::size_t>(ch));
        for (int x = 0; x < cw; ++x)
            cb_row_[static_cast<std::size_t>(x)] =
                0.5 + 0.2 * std::sin(2 * kPi * (double((x << fi.chroma_shift_x) + shift) / w));
        for (int y = 0; y < ch; ++y)
            cr_col_[static_cast<std::size_t>(y)] =
                0.5 + 0.2 * std::cos(2 * kPi * (double(y << fi.chroma_shift_y) / h));
        for (int y = 0; y < ch; ++y) {
            const int py = y << fi.chroma_shift_y;
            for (int x = 0; x < cw; ++x) {
                const int px = x << fi.chroma_shift_x;
                double cb = slate ? 0.5 : cb_row_[static_cast<std::size_t>(x)];
                double cr = slate ? 0.5 : cr_col_[static_cast<std::size_t>(y)];
                if (!slate && px >= bx && px < bx + bw && py >= by && py < by + bh) {
                    cb = 0.3;  // an orange-ish box
                    cr = 0.75;
                }
                put<T>(f, 1, x, y, code(cb, true));
                put<T>(f, 2, x, y, code(cr, true));
            }
        }
        if (fi.has_alpha) {
            const int max = (1 << fi.bit_depth) - 1;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)  // opaque with a transparent vignette corner
                    put<T>(f, 3, x, y, (x < w / 8 && y < h / 8) ? max / 4 : max);
        }
        if (!flash) draw_counter<T>(f, n);
    }

    // The frame number in seven-segment digits on a black box, top right: readable in any
    // proxy and checkable by eye against the timecode.
    template <typename T>
    void draw_counter(VideoFrame& f, std::int64_t n) {
        const std::string digits = std::to_string(n);
        const int dh = std::max(16, o_.height / 12);  // digit height
        const int dw = dh / 2;
        const int th = std::max(2, dh / 8);  // stroke
        const int gap = dw / 3;
        const int box_w = static_cast<int>(digits.size()) * (dw + gap) + gap;
        const int x0 = o_.width - box_w - o_.width / 40;
        const int y0 = o_.height / 30;
        auto fill = [&](int x, int y, int w, int h, double v) {
            for (int yy = std::max(0, y); yy < std::min(o_.height, y + h); ++yy)
                for (int xx = std::max(0, x); xx < std::min(o_.width, x + w); ++xx)
                    put<T>(f, 0, xx, yy, code(v, false));
        };
        fill(x0, y0, box_w, dh + 2 * gap, 0.0);
        for (std::size_t i = 0; i < digits.size(); ++i) {
            const std::uint8_t s = kSegments[static_cast<std::size_t>(digits[i] - '0')];
            const int x = x0 + gap + static_cast<int>(i) * (dw + gap);
            const int y = y0 + gap;
            const int half = dh / 2;
            if (s & 0x01) fill(x, y, dw, th, 1.0);                     // a: top
            if (s & 0x02) fill(x + dw - th, y, th, half, 1.0);         // b: top right
            if (s & 0x04) fill(x + dw - th, y + half, th, half, 1.0);  // c: bottom right
            if (s & 0x08) fill(x, y + dh - th, dw, th, 1.0);           // d: bottom
            if (s & 0x10) fill(x, y + half, th, half, 1.0);            // e: bottom left
            if (s & 0x20) fill(x, y, th, half, 1.0);                   // f: top left
            if (s & 0x40) fill(x, y + half - th / 2, dw, th, 1.0);     // g: middle
        }
    }

    [[nodiscard]] std::int64_t sample_at_frame(std::int64_t frame) const {
        const std::int64_t num = frame * o_.sample_rate * o_.rate.den;
        return (num + o_.rate.num - 1) / o_.rate.num;
    }

    // Silence on the slate except a 1 kHz beep of exactly the flash frame's samples; then a
    // 440 Hz tone left and 660 Hz right at -20 dBFS.
    AudioBuffer audio_for(std::int64_t n) const {
        AudioBuffer a;
        a.channels = o_.audio_channels;
        a.sample_rate = o_.sample_rate;
        const std::int64_t begin = sample_at_frame(n);
        const std::int64_t end = sample_at_frame(n + 1);
        a.pts = begin;
        a.samples.resize(static_cast<std::size_t>((end - begin) * a.channels));
        const std::int64_t beep_begin = sample_at_frame(flash_);
        const std::int64_t beep_end = sample_at_frame(flash_ + 1);
        const std::int64_t slate_end = sample_at_frame(slate_end_);
        const double tone = std::pow(10.0, -20.0 / 20.0);
        const double beep = std::pow(10.0, -12.0 / 20.0);
        for (std::int64_t s = begin; s < end; ++s) {
            const double t = double(s) / o_.sample_rate;
            for (int c = 0; c < a.channels; ++c) {
                double v = 0;
                if (s >= beep_begin && s < beep_end)
                    v = beep * std::sin(2 * kPi * 1000 * t);
                else if (s >= slate_end)
                    v = tone * std::sin(2 * kPi * (c % 2 ? 660 : 440) * t);
                a.samples[static_cast<std::size_t>((s - begin) * a.channels + c)] =
                    static_cast<float>(v);
            }
        }
        return a;
    }

    SyntheticOptions o_;
    MediaInfo info_;
    ReadStats stats_;
    Timecode start_tc_{{24, 1}, false};
    std::int64_t flash_ = 24;
    std::int64_t slate_end_ = 36;
    std::int64_t next_ = 0;
    std::unique_ptr<FramePool> pool_;
    std::vector<float> texture_;
    std::vector<double> cb_row_;
    std::vector<double> cr_col_;
};

}  // namespace

std::unique_ptr<MediaReader> make_synthetic_source(const SyntheticOptions& options) {
    return std::make_unique<SyntheticSource>(options);
}

}  // namespace cinepipe

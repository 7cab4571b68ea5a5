// Sync pattern detection: the picture's one-frame event from a coarse 16x9 luma grid per frame,
// the tone from a 1 ms envelope of the audio, the onset refined on the samples themselves.

#include "cinepipe/av_sync.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "cinepipe/error.h"

namespace cinepipe {

namespace {

constexpr int kGridX = 16;
constexpr int kGridY = 9;
using Grid = std::array<float, kGridX * kGridY>;
using FrameSignature = SyncPicture;

// Luma (or, for RGB pictures, green) on every fourth pixel of every fourth line, averaged per
// grid block and scaled to 0..1 of the code range.
FrameSignature signature(const VideoFrame& f) {
    const auto& fi = info(f.format);
    FrameSignature s;
    std::array<double, kGridX * kGridY> sum{};
    std::array<int, kGridX * kGridY> count{};
    const double scale = fi.sample == SampleType::F32 ? 1.0 : 1.0 / (std::ldexp(1.0, fi.bit_depth) - 1);
    const bool packed = fi.family == ColorFamily::Rgb && fi.sample == SampleType::U16;
    for (int y = 0; y < f.height; y += 4) {
        const std::uint8_t* row = f.plane(0) + y * f.stride[0];
        const int by = y * kGridY / f.height;
        for (int x = 0; x < f.width; x += 4) {
            double v;
            if (fi.sample == SampleType::F32) {
                v = reinterpret_cast<const float*>(row)[x];
            } else if (packed) {
                v = reinterpret_cast<const std::uint16_t*>(row)[x * fi.components + 1];
            } else if (fi.bit_depth > 8) {
                v = reinterpret_cast<const std::uint16_t*>(row)[x];
            } else {
                v = row[x];
            }
            const int b = by * kGridX + x * kGridX / f.width;
            sum[static_cast<std::size_t>(b)] += v * scale;
            ++count[static_cast<std::size_t>(b)];
        }
    }
    double total = 0;
    for (std::size_t b = 0; b < s.grid.size(); ++b) {
        s.grid[b] = count[b] ? static_cast<float>(sum[b] / count[b]) : 0.0F;
        total += s.grid[b];
    }
    s.luma = static_cast<float>(total / static_cast<double>(s.grid.size()));
    return s;
}

double grid_distance(const Grid& a, const Grid& b) {
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d += std::abs(a[i] - b[i]);
    return d / static_cast<double>(a.size());
}

struct VisualEvent {
    std::int64_t frame = 0;
    double time = 0;
    double prominence = 0;  // difference to each neighbour, 0..1 of the range
    bool bright = false;    // a flash rather than another one-frame picture
};

struct ToneBurst {
    double onset = 0;  // seconds
    double duration = 0;
    double snr_db = 0;
    double hz = 0;
};

// One-frame pictures: differing from both neighbours while the neighbours agree.
std::vector<VisualEvent> visual_events(const std::vector<FrameSignature>& frames) {
    std::vector<VisualEvent> out;
    for (std::size_t i = 1; i + 1 < frames.size(); ++i) {
        const double d1 = grid_distance(frames[i].grid, frames[i - 1].grid);
        const double d2 = grid_distance(frames[i].grid, frames[i + 1].grid);
        const double d0 = grid_distance(frames[i - 1].grid, frames[i + 1].grid);
        const double p = std::min(d1, d2);
        if (p < 0.08 || d0 > p / 3) continue;
        const double lift = frames[i].luma - std::max(frames[i - 1].luma, frames[i + 1].luma);
        out.push_back({static_cast<std::int64_t>(i), frames[i].start, p, lift >= 0.15});
    }
    return out;
}

// Short isolated tones: 1 ms envelope above the floor by 20 dB (and above -50 dBFS), lasting
// half a frame to two and a half, quiet for 100 ms either side.
std::vector<ToneBurst> tone_bursts(const std::vector<float>& mono, int rate, double frame_s) {
    std::vector<ToneBurst> out;
    const int block = std::max(1, rate / 1000);
    const std::size_t blocks = mono.size() / static_cast<std::size_t>(block);
    if (blocks < 10) return out;
    std::vector<float> env(blocks);
    for (std::size_t b = 0; b < blocks; ++b) {
        double s = 0;
        for (int k = 0; k < block; ++k) {
            const double v = mono[b * static_cast<std::size_t>(block) + static_cast<std::size_t>(k)];
            s += v * v;
        }
        env[b] = static_cast<float>(std::sqrt(s / block));
    }
    // The floor is the quiet end of the envelope (its 10th percentile): programme audio after
    // the slate must not raise it above the beep.
    std::vector<float> sorted = env;
    const auto tenth = static_cast<std::ptrdiff_t>(sorted.size() / 10);
    std::nth_element(sorted.begin(), sorted.begin() + tenth, sorted.end());
    const double floor = std::max(1e-5, static_cast<double>(sorted[static_cast<std::size_t>(tenth)]));
    const double threshold = std::max(floor * 10, 0.00316);
    for (std::size_t b = 0; b < blocks;) {
        if (env[b] < threshold) {
            ++b;
            continue;
        }
        std::size_t e = b;
        while (e + 1 < blocks && (env[e + 1] >= threshold || (e + 2 < blocks && env[e + 2] >= threshold))) ++e;
        const double duration = static_cast<double>(e - b + 1) / 1000.0;
        const auto quiet = [&](std::size_t from, std::size_t to) {
            double s = 0;
            std::size_t n = 0;
            for (std::size_t k = from; k < to && k < blocks; ++k, ++n) s += env[k];
            return n == 0 || s / static_cast<double>(n) < threshold / 3;
        };
        const bool isolated = quiet(b >= 100 ? b - 100 : 0, b >= 2 ? b - 2 : 0) && quiet(e + 3, e + 103);
        if (isolated && duration >= 0.5 * frame_s && duration <= 2.5 * frame_s) {
            // The onset to the sample: the first sample reaching a tenth of the burst's peak.
            const std::size_t from = (b >= 3 ? b - 3 : 0) * static_cast<std::size_t>(block);
            const std::size_t to = std::min(mono.size(), (e + 1) * static_cast<std::size_t>(block));
            float peak = 0;
            for (std::size_t k = from; k < to; ++k) peak = std::max(peak, std::abs(mono[k]));
            std::size_t onset = from;
            while (onset < to && std::abs(mono[onset]) < 0.1F * peak) ++onset;
            // Back down the first half-cycle to where the tone leaves zero.
            while (onset > from && std::abs(mono[onset - 1]) < std::abs(mono[onset]) &&
                   (mono[onset - 1] < 0) == (mono[onset] < 0) && std::abs(mono[onset - 1]) > 0)
                --onset;
            if (onset > from && mono[onset - 1] == 0.0F) --onset;
            std::size_t end = to;
            while (end > onset && std::abs(mono[end - 1]) < 0.1F * peak) --end;
            int crossings = 0;
            for (std::size_t k = onset + 1; k < end; ++k)
                crossings += (mono[k - 1] < 0) != (mono[k] < 0);
            double level = 0;
            for (std::size_t k = b; k <= e; ++k) level += env[k];
            level /= static_cast<double>(e - b + 1);
            ToneBurst t;
            t.onset = static_cast<double>(onset) / rate;
            t.duration = static_cast<double>(end - onset) / rate;
            t.snr_db = 20 * std::log10(level / floor);
            t.hz = t.duration > 0 ? crossings / (2 * t.duration) : 0;
            out.push_back(t);
        }
        b = e + 1;
    }
    return out;
}

}  // namespace

void add_loudest_channel(const AudioBuffer& a, std::size_t limit, std::vector<float>& mono) {
    const auto at = static_cast<std::size_t>(std::max<std::int64_t>(a.pts, 0));
    if (a.channels == 0 || at >= limit) return;
    const auto n = std::min(static_cast<std::size_t>(a.frames()), limit - at);
    if (mono.size() < at + n) mono.resize(at + n, 0.0F);
    const auto channels = static_cast<std::size_t>(a.channels);
    for (std::size_t i = 0; i < n; ++i) {
        float loudest = 0;
        for (std::size_t c = 0; c < channels; ++c) {
            const float v = a.samples[i * channels + c];
            if (std::abs(v) > std::abs(loudest)) loudest = v;
        }
        mono[at + i] = loudest;
    }
}

AvSyncResult find_sync_pattern(const std::vector<SyncPicture>& frames, const std::vector<float>& mono,
                               int rate, double frame_s, double search_seconds) {
    AvSyncResult r;
    const auto visuals = visual_events(frames);
    const auto tones = tone_bursts(mono, rate, frame_s);
    if (visuals.empty() || tones.empty()) {
        r.message = fmt::format("no sync pattern in the first {:g} s: {} one-frame picture event(s), {} "
                                "one-frame tone(s)",
                                search_seconds, visuals.size(), tones.size());
        return r;
    }
    // The pair closest in time wins; its score says how clear it is.
    double best_score = -1, second_score = -1;
    for (const auto& v : visuals)
        for (const auto& t : tones) {
            const double gap = std::abs(t.onset - v.time);
            if (gap > 1.0) continue;
            const double clarity = std::clamp(v.prominence / 0.3, 0.0, 1.0) *
                                   std::clamp((t.snr_db - 10) / 20, 0.0, 1.0) * (1 - gap);
            if (clarity > best_score) {
                second_score = best_score;
                best_score = clarity;
                r.found = true;
                r.pattern = v.bright ? "beep/flash" : "2-pop";
                r.video_frame = v.frame;
                r.video_time = v.time;
                r.audio_time = t.onset;
                r.av_offset_ms = (t.onset - v.time) * 1000;
                r.tone_hz = t.hz;
            } else if (clarity > second_score) {
                second_score = clarity;
            }
        }
    if (!r.found) {
        r.message = "one-frame picture events and tones were found, but none within 1 s of each other";
        return r;
    }
    r.confidence = std::clamp(best_score * (second_score > 0.5 * best_score ? 0.5 : 1.0), 0.0, 1.0);
    r.message = fmt::format("{} at frame {}: tone of {:.0f} Hz starts {:+.2f} ms from the picture",
                            r.pattern, r.video_frame, r.tone_hz, r.av_offset_ms);
    return r;
}

AvSyncResult measure_av_sync(const std::string& path, const AvSyncOptions& options,
                             const CancelToken& cancel) {
    ReaderOptions ro = options.reader;
    ro.cancel = &cancel;
    auto reader = MediaReader::open(path, ro);
    const MediaInfo& info = reader->info();
    if (!info.video) throw InputError(path + ": no video stream to find a flash in");
    if (info.audio.size() <= static_cast<std::size_t>(options.audio_stream))
        throw InputError(fmt::format("{}: no audio stream {} to find a beep in", path, options.audio_stream));
    const int rate = info.audio[static_cast<std::size_t>(options.audio_stream)].sample_rate;
    const double frame_s = 1.0 / info.video->frame_rate.to_double();
    const auto limit_samples = static_cast<std::size_t>(options.search_seconds * rate);

    std::vector<FrameSignature> frames;
    std::vector<float> mono;  // the loudest channel per sample
    std::int64_t first_pts = 0;
    bool have_first = false;
    while (auto unit = reader->next()) {
        cancel.throw_if_cancelled();
        if (unit->video) {
            const VideoFrame& f = *unit->video;
            if (!have_first) {
                first_pts = f.pts;
                have_first = true;
            }
            FrameSignature s = signature(f);
            s.start = static_cast<double>(f.pts - first_pts) * f.time_base.to_double();
            if (s.start > options.search_seconds) break;
            frames.push_back(s);
        }
        if (unit->audio.size() > static_cast<std::size_t>(options.audio_stream)) {
            const AudioBuffer& a = unit->audio[static_cast<std::size_t>(options.audio_stream)];
            add_loudest_channel(a, limit_samples, mono);
        }
    }

    return find_sync_pattern(frames, mono, rate, frame_s, options.search_seconds);
}

}  // namespace cinepipe

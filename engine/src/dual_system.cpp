// GCC-PHAT (generalised cross-correlation with phase transform): the cross-spectrum of the two
// recordings divided by its magnitude, so every frequency band votes equally. A camera's
// scratch mic and a boom differ in level, noise and tone colour, and whitening makes the peak
// depend on timing alone. Coarse at 8 kHz over the whole recording, then at the recording's
// own rate around the coarse lag, interpolated to a fraction of a sample; windows along the
// clip give the drift.

#include "cinepipe/dual_system.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <complex>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "av_util.h"
#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"

namespace cinepipe {

namespace {

constexpr int kCoarseRate = 8000;

// A phase's meter, or null when nobody asked for --stats.
StageMeter* phase(const DualSystemOptions& options, const char* name) {
    return options.stats ? &options.stats->stage(name) : nullptr;
}

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};
// FFTW's planner (plan creation and destruction) is not thread-safe, only fftwf_execute is
// (FFTW manual, "Thread safety"); `batch -j` syncs clips at once. The one lock guards the
// library's own global state, so it is process-wide too.
std::mutex& fftw_planner() {
    static std::mutex m;
    return m;
}

struct PlanFree {
    void operator()(fftwf_plan_s* p) const {
        const std::lock_guard lock(fftw_planner());
        fftwf_destroy_plan(p);
    }
};
using Plan = std::unique_ptr<fftwf_plan_s, PlanFree>;

template <typename Make>
Plan make_plan(Make&& make) {
    const std::lock_guard lock(fftw_planner());
    return Plan(make());
}

// libswresample, fed block by block (its low-pass keeps the 8 kHz copy free of aliasing; once
// flushed, sample 0 stays at time 0 and nothing is lost at the end).
class Resampler {
  public:
    Resampler(int from, int to) : from_(from), to_(to) {
        SwrContext* raw = nullptr;
        AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
        if (swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, to, &mono, AV_SAMPLE_FMT_FLT, from,
                                0, nullptr) < 0)
            throw std::bad_alloc();
        swr_.reset(raw);
        if (swr_init(swr_.get()) < 0)
            throw InputError(fmt::format("cannot resample {} Hz to {} Hz", from, to));
    }
    // Appends the resampled `n` samples (nullptr: the flush) to `out`.
    void push(const float* in, std::size_t n, std::vector<float>& out) {
        constexpr std::size_t kBlock = 1 << 16;  // swr counts in int
        for (std::size_t done = 0; done < n || (!in && done == 0); done += kBlock) {
            const int count = in ? static_cast<int>(std::min(kBlock, n - done)) : 0;
            const int room = swr_get_out_samples(swr_.get(), count) + 16;
            const std::size_t old = out.size();
            out.resize(old + static_cast<std::size_t>(room));
            auto* dst = reinterpret_cast<std::uint8_t*>(out.data() + old);
            const auto* src = in ? reinterpret_cast<const std::uint8_t*>(in + done) : nullptr;
            const int got = swr_convert(swr_.get(), &dst, room, in ? &src : nullptr, count);
            if (got < 0)
                throw InputError(fmt::format("cannot resample {} Hz to {} Hz", from_, to_));
            out.resize(old + static_cast<std::size_t>(got));
            if (!in) break;
        }
    }

  private:
    int from_, to_;
    av::SwrPtr swr_;
};

std::vector<float> resample(const std::vector<float>& in, int from, int to) {
    if (from == to || in.empty()) return in;
    Resampler r(from, to);
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(
        av_rescale_rnd(static_cast<std::int64_t>(in.size()), to, from, AV_ROUND_UP) + 64));
    r.push(in.data(), in.size(), out);
    r.push(nullptr, 0, out);
    return out;
}

// One audio stream summed to mono, with the file's description. Pictures are skipped, not
// decoded: only the sound is wanted. A file without that stream gives an empty track.
struct Track {
    MediaInfo info;
    std::vector<float> mono;
    std::int64_t first = 0;  // the stream's sample that mono[0] is (a part read at full rate)
    int rate = 0;            // of `mono`
    int native_rate = 0;     // of the stream
    [[nodiscard]] double seconds() const { return rate > 0 ? double(mono.size()) / rate : 0.0; }
};

struct TrackPart {
    int rate = 0;           // 0: the stream's own; else resampled to this, and the whole stream
    std::int64_t from = 0;  // at the stream's rate: only these samples are kept
    std::int64_t to = std::numeric_limits<std::int64_t>::max();
};

// Streams the file: memory holds the part asked for, never the whole recording at full rate.
Track read_track(const std::string& path, int stream, const CancelToken& cancel,
                 const TrackPart& part = {}) {
    ReaderOptions ro;
    ro.cancel = &cancel;
    ro.decode_video = false;
    auto reader = MediaReader::open(path, ro);
    Track t;
    t.info = reader->info();
    if (t.info.audio.size() <= static_cast<std::size_t>(stream)) return t;
    t.native_rate = t.rate = t.info.audio[static_cast<std::size_t>(stream)].sample_rate;
    std::optional<Resampler> resampler;
    if (part.rate > 0 && part.rate != t.native_rate) {
        resampler.emplace(t.native_rate, part.rate);
        t.rate = part.rate;
    }
    const std::int64_t from = resampler ? 0 : std::max<std::int64_t>(part.from, 0);
    const std::int64_t to = resampler ? std::numeric_limits<std::int64_t>::max() : part.to;
    t.first = from;
    std::vector<float> block;
    std::int64_t next = 0;  // the stream position the next block should start at
    while (auto unit = reader->next()) {
        cancel.throw_if_cancelled();
        if (unit->audio.size() <= static_cast<std::size_t>(stream)) continue;
        const AudioBuffer& a = unit->audio[static_cast<std::size_t>(stream)];
        if (a.channels == 0 || a.frames() == 0) continue;
        // A hole (which the reader does not leave, but a block starting late would) is silence.
        const std::int64_t start = std::max(a.pts, next);
        block.assign(static_cast<std::size_t>(start - next), 0.0F);
        const auto n = static_cast<std::size_t>(a.frames());
        const auto ch = static_cast<std::size_t>(a.channels);
        for (std::size_t i = 0; i < n; ++i) {
            float v = 0;
            for (std::size_t c = 0; c < ch; ++c) v += a.samples[i * ch + c];
            block.push_back(v);
        }
        if (resampler) {
            resampler->push(block.data(), block.size(), t.mono);
        } else {
            // Keep the part of [next, next + block) inside [from, to).
            const std::int64_t b0 = std::max(next, from);
            const std::int64_t b1 = std::min(next + static_cast<std::int64_t>(block.size()), to);
            if (b1 > b0)
                t.mono.insert(t.mono.end(), block.begin() + (b0 - next),
                              block.begin() + (b1 - next));
        }
        next += static_cast<std::int64_t>(block.size());
        if (next >= to) break;
    }
    if (resampler) resampler->push(nullptr, 0, t.mono);
    return t;
}

struct Peak {
    double lag = 0;     // a[n + lag] matches b[n]
    double height = 0;  // correlation at the peak
    double second = 0;  // the best elsewhere (more than `exclusion` away)
    [[nodiscard]] double confidence() const {
        return height > 0 ? std::clamp(1.0 - std::max(second, 0.0) / height, 0.0, 1.0) : 0.0;
    }
};

// GCC-PHAT of `a` against `b` over lags min_lag..max_lag, whitening `lo_hz`..`hi_hz` only.
Peak gcc_phat(const std::vector<float>& a, const std::vector<float>& b, double rate,
              std::int64_t min_lag, std::int64_t max_lag, double lo_hz, double hi_hz) {
    std::size_t n = 1;
    while (n < a.size() + b.size()) n <<= 1;
    const std::size_t bins = n / 2 + 1;
    std::unique_ptr<float, FftwFree> ta(fftwf_alloc_real(n)), tb(fftwf_alloc_real(n));
    std::unique_ptr<fftwf_complex, FftwFree> fa(fftwf_alloc_complex(bins)),
        fb(fftwf_alloc_complex(bins));
    std::fill_n(ta.get(), n, 0.0F);
    std::fill_n(tb.get(), n, 0.0F);
    std::copy(a.begin(), a.end(), ta.get());
    std::copy(b.begin(), b.end(), tb.get());
    const Plan pa = make_plan([&] {
        return fftwf_plan_dft_r2c_1d(static_cast<int>(n), ta.get(), fa.get(), FFTW_ESTIMATE);
    });
    const Plan pb = make_plan([&] {
        return fftwf_plan_dft_r2c_1d(static_cast<int>(n), tb.get(), fb.get(), FFTW_ESTIMATE);
    });
    fftwf_execute(pa.get());
    fftwf_execute(pb.get());
    const auto lo = static_cast<std::size_t>(lo_hz / rate * static_cast<double>(n));
    const auto hi =
        std::min(bins - 1, static_cast<std::size_t>(hi_hz / rate * static_cast<double>(n)));
    for (std::size_t k = 0; k < bins; ++k) {
        const std::complex<float> x(fa.get()[k][0], fa.get()[k][1]);
        const std::complex<float> y(fb.get()[k][0], fb.get()[k][1]);
        std::complex<float> c = x * std::conj(y);
        const float m = std::abs(c);
        c = (k >= lo && k <= hi && m > 1e-20F) ? c / m : std::complex<float>(0, 0);
        fa.get()[k][0] = c.real();
        fa.get()[k][1] = c.imag();
    }
    const Plan inverse = make_plan([&] {
        return fftwf_plan_dft_c2r_1d(static_cast<int>(n), fa.get(), ta.get(), FFTW_ESTIMATE);
    });
    fftwf_execute(inverse.get());
    const float* r = ta.get();
    const auto at = [&](std::int64_t lag) {
        return r[static_cast<std::size_t>(lag >= 0 ? lag : static_cast<std::int64_t>(n) + lag)];
    };
    min_lag = std::max(min_lag, -static_cast<std::int64_t>(b.size()) + 1);
    max_lag = std::min(max_lag, static_cast<std::int64_t>(a.size()) - 1);
    Peak p;
    std::int64_t best = min_lag;
    p.height = -1e30;
    for (std::int64_t l = min_lag; l <= max_lag; ++l)
        if (at(l) > p.height) {
            p.height = at(l);
            best = l;
        }
    const auto exclusion = static_cast<std::int64_t>(0.01 * rate) + 2;
    p.second = -1e30;
    for (std::int64_t l = min_lag; l <= max_lag; ++l)
        if (std::llabs(l - best) > exclusion)
            p.second = std::max(p.second, static_cast<double>(at(l)));
    // A parabola through the peak and its neighbours places it between samples.
    double frac = 0;
    if (best > min_lag && best < max_lag) {
        const double y0 = at(best - 1), y1 = at(best), y2 = at(best + 1);
        const double d = y0 - 2 * y1 + y2;
        if (d < 0) frac = std::clamp(0.5 * (y0 - y2) / d, -0.5, 0.5);
    }
    p.lag = static_cast<double>(best) + frac;
    return p;
}

std::vector<float> slice(const std::vector<float>& v, std::int64_t from, std::int64_t to) {
    from = std::clamp<std::int64_t>(from, 0, static_cast<std::int64_t>(v.size()));
    to = std::clamp<std::int64_t>(to, from, static_cast<std::int64_t>(v.size()));
    return {v.begin() + from, v.begin() + to};
}

// Coarse: the whole clip against the whole recording at 8 kHz, speech band.
Peak coarse_search(const std::vector<float>& ext8, const std::vector<float>& clip8) {
    return gcc_phat(ext8, clip8, kCoarseRate, -static_cast<std::int64_t>(clip8.size()) + 1,
                    static_cast<std::int64_t>(ext8.size()) - 1, 100, 3800);
}
constexpr double kMinConfidence = 0.2;

// Fine: at the recording's rate around the coarse lag, and the drift from windows along the
// clip.
DualSystemResult refine(const Track& clip, const Track& ext, const Peak& coarse,
                        const DualSystemOptions& options) {
    const int ext_rate = ext.rate;
    const auto clip_at_ext = resample(clip.mono, clip.rate, ext_rate);
    const double predicted = coarse.lag * ext_rate / kCoarseRate;
    const auto margin = static_cast<std::int64_t>(0.05 * ext_rate);
    const auto measure_at = [&](double clip_seconds, double seconds, Peak& out) {
        const auto c0 = static_cast<std::int64_t>(clip_seconds * ext_rate);
        const auto c1 = c0 + static_cast<std::int64_t>(seconds * ext_rate);
        const auto piece = slice(clip_at_ext, c0, c1);
        const auto e0 = static_cast<std::int64_t>(std::floor(predicted)) + c0 - margin;
        // ext.mono holds the recording from its sample ext.first on.
        const auto window =
            slice(ext.mono, e0 - ext.first,
                  e0 - ext.first + static_cast<std::int64_t>(piece.size()) + 2 * margin);
        if (piece.size() < static_cast<std::size_t>(ext_rate / 2) || window.size() < piece.size())
            return false;
        const std::int64_t origin = std::max<std::int64_t>(e0, ext.first);
        out = gcc_phat(window, piece, ext_rate, -margin, 2 * margin + (e0 - origin), 100,
                       std::min(8000.0, 0.45 * ext_rate));
        out.lag += static_cast<double>(origin - c0);  // as the recording position of clip sample 0
        return true;
    };
    DualSystemResult r;
    r.external_rate = ext_rate;
    Peak fine;
    const double clip_seconds = static_cast<double>(clip_at_ext.size()) / ext_rate;
    double lag = predicted;
    double confidence = coarse.confidence();
    if (measure_at(0, std::min(clip_seconds, 8.0), fine) && fine.confidence() > kMinConfidence) {
        lag = fine.lag;
        confidence = std::min(confidence, fine.confidence()) * 0.5 + 0.5 * coarse.confidence();
    }

    // Drift: the offset measured along the clip; the slope of a line through them.
    std::vector<std::pair<double, double>> points;
    double window_confidence = 0;
    // Short windows: within one, the drift must stay well under a sample's worth of smear.
    const double step =
        std::max(options.drift_window_s, (clip_seconds - options.drift_window_s) / 30);
    for (double t = 0; t + options.drift_window_s <= clip_seconds + 1e-9; t += step) {
        Peak p;
        if (measure_at(t, options.drift_window_s, p) && p.confidence() > 0.3) {
            points.emplace_back(t, p.lag + t * ext_rate);
            window_confidence += p.confidence();
        }
    }
    if (points.size() >= 3) {
        double st = 0, sp = 0, stt = 0, stp = 0;
        for (const auto& [t, p] : points) {
            st += t;
            sp += p;
            stt += t * t;
            stp += t * p;
        }
        const double n = static_cast<double>(points.size());
        const double slope = (n * stp - st * sp) / (n * stt - st * st);
        r.drift_ppm = (slope / ext_rate - 1) * 1e6;
        r.drift_windows = static_cast<int>(points.size());
        lag = (sp - slope * st) / n;  // the fit at the clip's start
        // The windows' own peaks say how clear the match is; the whole-clip coarse peak is
        // smeared by the very drift being measured.
        confidence = window_confidence / n;
    }
    r.offset_samples = std::llround(lag);
    r.offset_ms = lag * 1000.0 / ext_rate;
    r.confidence = confidence;
    return r;
}

// The clip's start as time of day: its timecode's frame count at the real frame rate. A recorder
// jammed to the same timecode counts its TimeReference samples the same way (at 23.976 and
// 29.97 the labels run 0.1% slower than the clock, drop-frame or not).
std::optional<double> clip_start_seconds(const MediaInfo& info) {
    if (!info.video || !info.start_timecode || info.timecode_source == "none" ||
        info.timecode_source.empty())
        return std::nullopt;
    const Timecode& tc = *info.start_timecode;
    return static_cast<double>(tc.frames()) / tc.rate().to_double();
}

constexpr double kDay = 86400;

// Time of day wraps at midnight: a clip at 00:01 is two minutes after a roll started at 23:59.
double wrapped(double seconds) {
    if (seconds > kDay / 2) return seconds - kDay;
    if (seconds < -kDay / 2) return seconds + kDay;
    return seconds;
}

std::optional<double> timecode_offset_ms(const MediaInfo& clip, const MediaInfo& ext) {
    const auto start = clip_start_seconds(clip);
    if (!start || ext.audio_start_seconds < 0) return std::nullopt;
    return wrapped(*start - ext.audio_start_seconds) * 1000;
}

void cross_check_timecode(DualSystemResult& r, const MediaInfo& clip, const MediaInfo& ext) {
    const auto tc = timecode_offset_ms(clip, ext);
    if (!tc) return;
    r.has_timecode_offset = true;
    r.timecode_offset_ms = *tc;
    r.timecode_source = ext.audio_start_source;
    r.timecode_agrees =
        std::abs(r.timecode_offset_ms - r.offset_ms) <= 1000.0 / clip.video->frame_rate.to_double();
}

DualSystemResult by_timecode(double offset_ms, const MediaInfo& ext, int ext_rate,
                             const MediaInfo& clip) {
    DualSystemResult r;
    r.method = "timecode";
    r.external_rate = ext_rate;
    r.offset_ms = offset_ms;
    r.offset_samples = std::llround(offset_ms * ext_rate / 1000);
    cross_check_timecode(r, clip, ext);
    r.timecode_agrees = true;
    return r;
}

std::string not_found(const std::string& external, const std::string& video, const Peak& p) {
    return fmt::format(
        "{}: the sound of {} is not found in it (correlation peak {:.2f}x the next "
        "best)",
        external, video, p.height / std::max(p.second, 1e-9));
}

void describe(DualSystemResult& r, const std::string& video, const std::string& external) {
    r.message = fmt::format("{} starts {:.3f} s into {} (by {})", video, r.offset_ms / 1000,
                            external, r.method);
}

// The recording at its own rate around where the coarse search put the clip (plus a second
// either side): what refine() needs, and bounded by the clip's length, not the recording's.
Track read_fine(const std::string& path, const Track& clip, const Peak& coarse, int rate,
                const CancelToken& cancel) {
    const double lag = coarse.lag * rate / kCoarseRate;
    const double length = clip.seconds() * rate;
    TrackPart part;
    part.from = static_cast<std::int64_t>(std::floor(lag)) - rate;
    part.to = static_cast<std::int64_t>(std::ceil(lag + length)) + rate;
    return read_track(path, 0, cancel, part);
}

DualSystemResult by_sound(const Track& clip, const std::string& external, int ext_rate,
                          const Peak& coarse, const DualSystemOptions& options,
                          const CancelToken& cancel) {
    std::optional<StageTimer> timer(phase(options, "read recording (full rate)"));
    const Track ext = read_fine(external, clip, coarse, ext_rate, cancel);
    timer.emplace(phase(options, "correlate"));
    DualSystemResult r = refine(clip, ext, coarse, options);
    cross_check_timecode(r, clip.info, ext.info);
    return r;
}

}  // namespace

DualSystemResult align_dual_system(const std::string& video, const std::string& external,
                                   const DualSystemOptions& options, const CancelToken& cancel) {
    std::optional<StageTimer> timer(phase(options, "read clip sound"));
    const Track clip = read_track(video, options.audio_stream, cancel);
    timer.emplace(phase(options, "read recording (8 kHz)"));
    const Track ext8 = read_track(external, 0, cancel, {kCoarseRate});
    timer.reset();
    if (ext8.mono.empty()) throw InputError(external + ": no sound to sync to");
    const auto tc = timecode_offset_ms(clip.info, ext8.info);
    std::string why;
    if (!clip.mono.empty()) {
        timer.emplace(phase(options, "correlate"));
        const Peak coarse = coarse_search(ext8.mono, resample(clip.mono, clip.rate, kCoarseRate));
        timer.reset();
        if (coarse.confidence() >= kMinConfidence) {
            DualSystemResult r =
                by_sound(clip, external, ext8.native_rate, coarse, options, cancel);
            describe(r, video, external);
            return r;
        }
        why = not_found(external, video, coarse);
    } else {
        why = fmt::format("{}: no audio stream {} to correlate", video, options.audio_stream);
    }
    if (!tc) throw InputError(why);
    DualSystemResult r = by_timecode(*tc, ext8.info, ext8.native_rate, clip.info);
    r.warnings.push_back(why + "; synced by timecode alone");
    describe(r, video, external);
    return r;
}

std::vector<std::string> list_sound_rolls(const std::string& folder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw InputError(folder + ": not a folder of sound rolls");
    std::vector<std::string> rolls;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (ext == ".wav" || ext == ".bwf" || ext == ".rf64" || ext == ".w64" || ext == ".aif" ||
            ext == ".aiff" || ext == ".flac")
            rolls.push_back(it->path().string());
    }
    if (ec) throw InputError(folder + ": cannot list it (" + ec.message() + ")");
    if (rolls.empty()) throw InputError(folder + ": holds no sound files (.wav, .bwf, ...)");
    std::sort(rolls.begin(), rolls.end());
    return rolls;
}

namespace {

// Coarse (8 kHz) copies of the rolls, most recently used kept, within a byte budget: a shoot
// day's sound at 8 kHz is about 115 MB an hour, so a long day does not all stay in memory.
class CoarseCache {
  public:
    explicit CoarseCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

    // The reference stays valid only until the next get(), which may evict it.
    const std::vector<float>& get(const std::string& path, const CancelToken& cancel) {
        ++clock_;
        if (auto it = entries_.find(path); it != entries_.end()) {
            it->second.used = clock_;
            return it->second.samples;
        }
        Entry e{read_track(path, 0, cancel, {kCoarseRate}).mono, clock_};
        held_ += e.samples.size() * sizeof(float);
        while (held_ > budget_ && !entries_.empty()) {
            auto oldest = std::min_element(
                entries_.begin(), entries_.end(),
                [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
            held_ -= oldest->second.samples.size() * sizeof(float);
            entries_.erase(oldest);
        }
        return entries_.insert_or_assign(path, std::move(e)).first->second.samples;
    }

  private:
    struct Entry {
        std::vector<float> samples;
        std::uint64_t used = 0;
    };
    std::size_t budget_;
    std::size_t held_ = 0;
    std::uint64_t clock_ = 0;
    std::map<std::string, Entry> entries_;
};

struct RollInfo {
    std::string path;
    MediaInfo info;
    [[nodiscard]] double start() const { return info.audio_start_seconds; }
    [[nodiscard]] double end() const { return info.audio_start_seconds + info.duration; }
};

}  // namespace

SoundRollMatching match_sound_rolls(const std::vector<std::string>& clips,
                                    const std::vector<std::string>& rolls,
                                    const DualSystemOptions& options, const CancelToken& cancel,
                                    const std::function<void(const SoundMatch&)>& on_clip) {
    SoundRollMatching out;
    std::vector<RollInfo> described;
    for (const auto& path : rolls) {
        const StageTimer timer(phase(options, "probe sound rolls"));
        try {
            MediaInfo info = probe(path);
            if (info.audio.empty()) throw InputError(path + ": no audio stream");
            described.push_back({path, std::move(info)});
        } catch (const InputError& e) {
            out.roll_problems.emplace_back(e.what());
        }
    }
    std::vector<bool> used(described.size(), false);
    std::vector<bool> broken(described.size(), false);  // could not be read: reported once
    const auto roll_failed = [&](std::size_t i, const InputError& e) {
        if (!broken[i]) out.roll_problems.emplace_back(e.what());
        broken[i] = true;
    };
    CoarseCache cache(std::size_t{256} << 20);
    for (const auto& clip_path : clips) {
        cancel.throw_if_cancelled();
        SoundMatch m;
        m.clip = clip_path;
        Track clip;
        try {
            const StageTimer timer(phase(options, "read clip sound"));
            clip = read_track(clip_path, options.audio_stream, cancel);
        } catch (const InputError& e) {
            m.unreadable = true;
            m.problem = e.what();
            if (on_clip) on_clip(m);
            out.clips.push_back(std::move(m));
            continue;
        }
        // Rolls whose time of day overlaps the clip's timecode, the largest overlap first
        // (across midnight too).
        std::vector<std::pair<double, std::size_t>> by_time;
        if (const auto start = clip_start_seconds(clip.info)) {
            const double length = clip.mono.empty() ? clip.info.duration : clip.seconds();
            for (std::size_t i = 0; i < described.size(); ++i) {
                if (described[i].start() < 0) continue;
                double overlap = 0;
                for (const double shift : {-kDay, 0.0, kDay})
                    overlap =
                        std::max(overlap, std::min(*start + shift + length, described[i].end()) -
                                              std::max(*start + shift, described[i].start()));
                if (overlap > 0) by_time.emplace_back(-overlap, i);
            }
            std::sort(by_time.begin(), by_time.end());
        }
        std::optional<std::size_t> chosen;
        Peak peak;
        int searched = 0;
        if (!clip.mono.empty()) {
            std::optional<StageTimer> timer(phase(options, "correlate"));
            const auto clip8 = resample(clip.mono, clip.rate, kCoarseRate);
            timer.reset();
            std::vector<bool> tried(described.size(), false);
            const auto try_roll = [&](std::size_t i) {
                if (tried[i] || broken[i]) return;
                tried[i] = true;
                try {
                    std::optional<StageTimer> timer(phase(options, "read recording (8 kHz)"));
                    const std::vector<float>& ext8 = cache.get(described[i].path, cancel);
                    timer.emplace(phase(options, "correlate"));
                    const Peak p = coarse_search(ext8, clip8);
                    ++searched;
                    if (p.confidence() >= kMinConfidence &&
                        (!chosen || p.confidence() > peak.confidence())) {
                        chosen = i;
                        peak = p;
                    }
                } catch (const InputError& e) {
                    roll_failed(i, e);
                }
            };
            for (const auto& [overlap, i] : by_time) {
                try_roll(i);
                if (chosen) break;
            }
            // No timecode, or the sound is not in the rolls it points to: every roll by sound.
            if (!chosen)
                for (std::size_t i = 0; i < described.size(); ++i) try_roll(i);
        }
        try {
            if (chosen) {
                m.result = by_sound(clip, described[*chosen].path,
                                    described[*chosen].info.audio.front().sample_rate, peak,
                                    options, cancel);
                if (!by_time.empty() && by_time.front().second != *chosen)
                    m.result.warnings.push_back(fmt::format(
                        "{}: its timecode points to {}, but its sound is in {}", clip_path,
                        described[by_time.front().second].path, described[*chosen].path));
            } else if (!by_time.empty()) {
                chosen = by_time.front().second;
                const MediaInfo& roll = described[*chosen].info;
                m.result = by_timecode(*timecode_offset_ms(clip.info, roll), roll,
                                       roll.audio.front().sample_rate, clip.info);
                m.result.warnings.push_back(
                    clip.mono.empty() ? clip_path + ": has no sound; synced by timecode alone"
                                      : clip_path + ": its sound is not found in " +
                                            described[*chosen].path + "; synced by timecode alone");
                if (by_time.size() > 1)
                    m.result.warnings.push_back(fmt::format(
                        "{}: {} rolls cover its timecode; the one covering most of it was taken",
                        clip_path, by_time.size()));
            }
        } catch (const InputError& e) {
            if (chosen) roll_failed(*chosen, e);
            m.problem = fmt::format("{}: its roll {} could not be read", clip_path,
                                    chosen ? described[*chosen].path : std::string());
            chosen.reset();
        }
        if (chosen) {
            m.roll = described[*chosen].path;
            used[*chosen] = true;
            describe(m.result, clip_path, m.roll);
        } else if (m.problem.empty()) {
            m.problem =
                clip.mono.empty()
                    ? clip_path + ": no sound and no timecode overlap with any roll"
                    : clip_path + ": its sound is in none of the " + std::to_string(searched) +
                          " rolls" +
                          (clip_start_seconds(clip.info) ? ", and no roll's timecode covers it"
                                                         : "");
        }
        if (on_clip) on_clip(m);
        out.clips.push_back(std::move(m));
    }
    for (std::size_t i = 0; i < described.size(); ++i)
        if (!used[i] && !broken[i]) out.unused_rolls.push_back(described[i].path);
    return out;
}

}  // namespace cinepipe

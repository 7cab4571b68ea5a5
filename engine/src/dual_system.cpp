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
#include <cmath>
#include <complex>
#include <memory>
#include <vector>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"

namespace cinepipe {

namespace {

constexpr int kCoarseRate = 8000;

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};
struct PlanFree {
    void operator()(fftwf_plan_s* p) const { fftwf_destroy_plan(p); }
};
using Plan = std::unique_ptr<fftwf_plan_s, PlanFree>;

// The sum of every channel of one audio stream, as decoded.
std::vector<float> read_mono(const std::string& path, int stream, const CancelToken& cancel,
                             int& rate) {
    ReaderOptions ro;
    ro.cancel = &cancel;
    auto reader = MediaReader::open(path, ro);
    const auto& info = reader->info();
    if (info.audio.size() <= static_cast<std::size_t>(stream))
        throw InputError(fmt::format("{}: no audio stream {} to correlate", path, stream));
    rate = info.audio[static_cast<std::size_t>(stream)].sample_rate;
    std::vector<float> mono;
    while (auto unit = reader->next()) {
        cancel.throw_if_cancelled();
        if (unit->audio.size() <= static_cast<std::size_t>(stream)) continue;
        const AudioBuffer& a = unit->audio[static_cast<std::size_t>(stream)];
        if (a.channels == 0) continue;
        const auto at = static_cast<std::size_t>(std::max<std::int64_t>(a.pts, 0));
        const auto n = static_cast<std::size_t>(a.frames());
        if (mono.size() < at + n) mono.resize(at + n, 0.0F);
        for (std::size_t i = 0; i < n; ++i) {
            float s = 0;
            for (int c = 0; c < a.channels; ++c)
                s += a.samples[i * static_cast<std::size_t>(a.channels) + static_cast<std::size_t>(c)];
            mono[at + i] = s;
        }
    }
    if (mono.empty()) throw InputError(path + ": its audio stream holds no samples");
    return mono;
}

// To `to` Hz: a box filter as wide as one output sample, then linear interpolation.
std::vector<float> resample(const std::vector<float>& in, int from, double to) {
    if (static_cast<double>(from) == to) return in;
    const double step = from / to;
    const int width = std::max(1, static_cast<int>(step));
    std::vector<float> boxed(in.size());
    double run = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        run += in[i];
        if (i >= static_cast<std::size_t>(width)) run -= in[i - static_cast<std::size_t>(width)];
        boxed[i] = static_cast<float>(run / width);
    }
    const auto n = static_cast<std::size_t>(static_cast<double>(in.size()) / step);
    std::vector<float> out(n);
    for (std::size_t k = 0; k < n; ++k) {
        const double x = static_cast<double>(k) * step + (width - 1) / 2.0;
        const auto i = static_cast<std::size_t>(x);
        const double f = x - static_cast<double>(i);
        const float a = boxed[std::min(i, boxed.size() - 1)];
        const float b = boxed[std::min(i + 1, boxed.size() - 1)];
        out[k] = static_cast<float>(a + (b - a) * f);
    }
    return out;
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
    std::unique_ptr<fftwf_complex, FftwFree> fa(fftwf_alloc_complex(bins)), fb(fftwf_alloc_complex(bins));
    std::fill_n(ta.get(), n, 0.0F);
    std::fill_n(tb.get(), n, 0.0F);
    std::copy(a.begin(), a.end(), ta.get());
    std::copy(b.begin(), b.end(), tb.get());
    const Plan pa(fftwf_plan_dft_r2c_1d(static_cast<int>(n), ta.get(), fa.get(), FFTW_ESTIMATE));
    const Plan pb(fftwf_plan_dft_r2c_1d(static_cast<int>(n), tb.get(), fb.get(), FFTW_ESTIMATE));
    fftwf_execute(pa.get());
    fftwf_execute(pb.get());
    const auto lo = static_cast<std::size_t>(lo_hz / rate * static_cast<double>(n));
    const auto hi = std::min(bins - 1, static_cast<std::size_t>(hi_hz / rate * static_cast<double>(n)));
    for (std::size_t k = 0; k < bins; ++k) {
        const std::complex<float> x(fa.get()[k][0], fa.get()[k][1]);
        const std::complex<float> y(fb.get()[k][0], fb.get()[k][1]);
        std::complex<float> c = x * std::conj(y);
        const float m = std::abs(c);
        c = (k >= lo && k <= hi && m > 1e-20F) ? c / m : std::complex<float>(0, 0);
        fa.get()[k][0] = c.real();
        fa.get()[k][1] = c.imag();
    }
    const Plan inverse(fftwf_plan_dft_c2r_1d(static_cast<int>(n), fa.get(), ta.get(), FFTW_ESTIMATE));
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
        if (std::llabs(l - best) > exclusion) p.second = std::max(p.second, static_cast<double>(at(l)));
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

}  // namespace

DualSystemResult align_dual_system(const std::string& video, const std::string& external,
                                   const DualSystemOptions& options, const CancelToken& cancel) {
    int clip_rate = 0, ext_rate = 0;
    const std::vector<float> clip = read_mono(video, options.audio_stream, cancel, clip_rate);
    const std::vector<float> ext = read_mono(external, 0, cancel, ext_rate);

    // Coarse: the whole clip against the whole recording at 8 kHz, speech band.
    const auto clip8 = resample(clip, clip_rate, kCoarseRate);
    const auto ext8 = resample(ext, ext_rate, kCoarseRate);
    const Peak coarse = gcc_phat(ext8, clip8, kCoarseRate, -static_cast<std::int64_t>(clip8.size()) + 1,
                                 static_cast<std::int64_t>(ext8.size()) - 1, 100, 3800);
    if (coarse.confidence() < 0.2)
        throw InputError(fmt::format("{}: the sound of {} is not found in it (correlation peak "
                                     "{:.2f}x the next best)",
                                     external, video, coarse.height / std::max(coarse.second, 1e-9)));

    // Fine: at the recording's rate, the clip's first seconds around the coarse lag.
    const auto clip_at_ext = resample(clip, clip_rate, ext_rate);
    const double predicted = coarse.lag * ext_rate / kCoarseRate;
    const auto margin = static_cast<std::int64_t>(0.05 * ext_rate);
    const auto measure_at = [&](double clip_seconds, double seconds, Peak& out) {
        const auto c0 = static_cast<std::int64_t>(clip_seconds * ext_rate);
        const auto c1 = c0 + static_cast<std::int64_t>(seconds * ext_rate);
        const auto piece = slice(clip_at_ext, c0, c1);
        const auto e0 = static_cast<std::int64_t>(std::floor(predicted)) + c0 - margin;
        const auto window = slice(ext, e0, e0 + static_cast<std::int64_t>(piece.size()) + 2 * margin);
        if (piece.size() < static_cast<std::size_t>(ext_rate / 2) || window.size() < piece.size()) return false;
        const std::int64_t origin = std::max<std::int64_t>(e0, 0);
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
    if (measure_at(0, std::min(clip_seconds, 8.0), fine) && fine.confidence() > 0.2) {
        lag = fine.lag;
        confidence = std::min(confidence, fine.confidence()) * 0.5 + 0.5 * coarse.confidence();
    }

    // Drift: the offset measured along the clip; the slope of a line through them.
    std::vector<std::pair<double, double>> points;
    double window_confidence = 0;
    // Short windows: within one, the drift must stay well under a sample's worth of smear.
    const double step = std::max(options.drift_window_s, (clip_seconds - options.drift_window_s) / 30);
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
    const MediaInfo clip_info = probe(video);
    const MediaInfo ext_info = probe(external);
    if (clip_info.video && clip_info.start_timecode && clip_info.timecode_source != "none" &&
        ext_info.audio_start_seconds >= 0) {
        // The label's own seconds, as a recorder jammed to the camera converts its TimeReference:
        // frames at the nominal rate, or, for drop-frame, real time (which its labels track).
        const Timecode& tc = *clip_info.start_timecode;
        const double tc_seconds = tc.drop_frame()
                                      ? static_cast<double>(tc.frames()) / tc.rate().to_double()
                                      : static_cast<double>(tc.frames()) / tc.nominal_fps();
        r.has_timecode_offset = true;
        r.timecode_offset_ms = (tc_seconds - ext_info.audio_start_seconds) * 1000;
        r.timecode_agrees = std::abs(r.timecode_offset_ms - r.offset_ms) <=
                            1000.0 / clip_info.video->frame_rate.to_double();
    }
    r.confidence = confidence;
    r.message = fmt::format("{} starts {:.3f} s into {}", video, r.offset_ms / 1000, external);
    return r;
}

}  // namespace cinepipe

#include "loudness_range.h"

#include <algorithm>
#include <cmath>

namespace cinepipe::qc {

namespace {

double energy(double lufs) {
    return std::pow(10.0, (lufs + 0.691) / 10.0);
}
double loudness(double energy) {
    return -0.691 + 10.0 * std::log10(energy);
}

}  // namespace

LoudnessRange::LoudnessRange()
    : counts_(static_cast<std::size_t>((kTop - kAbsoluteGate) * kBinsPerLu) + 1, 0) {}

std::size_t LoudnessRange::bin_of(double lufs) const {
    // Truncated to the bin below, as FFmpeg does.
    const double at = std::floor((lufs - kAbsoluteGate) * kBinsPerLu);
    return static_cast<std::size_t>(std::clamp(at, 0.0, static_cast<double>(counts_.size() - 1)));
}

double LoudnessRange::lufs_of(std::size_t bin) {
    return static_cast<double>(bin) / kBinsPerLu + kAbsoluteGate;
}

void LoudnessRange::add(double short_term_lufs) {
    if (!std::isfinite(short_term_lufs) || short_term_lufs < kAbsoluteGate) return;
    ++counts_[bin_of(short_term_lufs)];
    energy_sum_ += energy(short_term_lufs);
    ++kept_;
}

std::optional<LoudnessRange::Range> LoudnessRange::range() const {
    if (kept_ == 0) return std::nullopt;
    const std::size_t gate =
        bin_of(loudness(energy_sum_ / static_cast<double>(kept_)) + kRelativeGate);
    std::uint64_t total = 0;
    for (std::size_t i = gate; i < counts_.size(); ++i) total += counts_[i];
    if (total == 0) return std::nullopt;
    // The value of rank round(10% of n) from the bottom and the one above which 5% remain,
    // with FFmpeg's rounding, so the two agree bin for bin.
    Range r;
    const auto low_rank = static_cast<std::uint64_t>(0.10 * static_cast<double>(total) + 0.5);
    std::uint64_t n = 0;
    for (std::size_t i = gate; i < counts_.size(); ++i) {
        n += counts_[i];
        if (n >= low_rank) {
            r.low = lufs_of(i);
            break;
        }
    }
    const auto high_rank = static_cast<std::uint64_t>(0.95 * static_cast<double>(total) + 0.5);
    n = total;
    for (std::size_t i = counts_.size(); i-- > gate;) {
        n -= std::min(n, counts_[i]);
        if (n < high_rank) {
            r.high = lufs_of(i);
            break;
        }
    }
    return r;
}

}  // namespace cinepipe::qc

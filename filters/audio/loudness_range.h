#pragma once
// Loudness range (EBU Tech 3342) from short-term loudness taken every 100 ms, in a histogram of
// 0.01 LU bins: bounded memory for any length, and the same statistics as FFmpeg's ebur128
// filter (libebur128's own LRA takes a short-term value only every second, which on programme
// with moving levels differs from FFmpeg's by more than 0.1 LU).

#include <cstdint>
#include <optional>
#include <vector>

namespace cinepipe::qc {

class LoudnessRange {
  public:
    LoudnessRange();

    // One short-term (3 s) loudness, LUFS; values below the absolute gate (-70) are ignored.
    void add(double short_term_lufs);

    struct Range {
        double low = 0;   // 10th percentile of the gated values, LUFS
        double high = 0;  // 95th percentile
        [[nodiscard]] double lu() const { return high - low; }
    };
    // Nothing until a value passed the gates.
    [[nodiscard]] std::optional<Range> range() const;

  private:
    static constexpr double kAbsoluteGate = -70;  // LUFS
    static constexpr double kRelativeGate = -20;  // LU below the mean of the kept values
    static constexpr double kTop = 10;            // LUFS; louder values count in the top bin
    static constexpr int kBinsPerLu = 100;

    [[nodiscard]] std::size_t bin_of(double lufs) const;
    [[nodiscard]] static double lufs_of(std::size_t bin);

    std::vector<std::uint64_t> counts_;
    double energy_sum_ = 0;  // of every value above the absolute gate, for the relative gate
    std::uint64_t kept_ = 0;
};

}  // namespace cinepipe::qc

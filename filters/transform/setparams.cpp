// setparams: relabels colour tags, field order and sample aspect without touching pixels.
// The output is a new frame description sharing the input's pixel storage (no copy).

#include <charconv>
#include <limits>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "transform_filters.h"

namespace cinepipe::transform {

namespace {

// The values a tag can be set to, named as ffprobe prints them (to_string).
template <typename T>
using Named = std::vector<std::pair<std::string, T>>;

template <typename T>
Named<T> named(std::initializer_list<T> values) {
    Named<T> out;
    for (const T v : values) {
        std::string name = to_string(v);
        bool seen = false;
        for (const auto& [n, _] : out) seen = seen || n == name;
        if (!seen) out.emplace_back(std::move(name), v);
    }
    return out;
}

const Named<ColorPrimaries>& primaries() {
    using P = ColorPrimaries;
    static const auto v =
        named({P::Bt709, P::Bt470m, P::Bt470bg, P::Smpte170m, P::Smpte240m, P::Film, P::Bt2020,
               P::Smpte428, P::Smpte431, P::Smpte432, P::Ebu3213, P::Unspecified});
    return v;
}

const Named<TransferCharacteristic>& transfers() {
    using T = TransferCharacteristic;
    static const auto v =
        named({T::Bt709, T::Gamma22, T::Gamma28, T::Smpte170m, T::Smpte240m, T::Linear, T::Log,
               T::LogSqrt, T::Iec61966_2_4, T::Bt1361, T::Srgb, T::Bt2020_10, T::Bt2020_12, T::Pq,
               T::Smpte428, T::Hlg, T::Unspecified});
    return v;
}

const Named<MatrixCoefficients>& matrices() {
    using M = MatrixCoefficients;
    static const auto v = named({M::Bt709, M::Fcc, M::Bt470bg, M::Smpte170m, M::Smpte240m, M::Ycgco,
                                 M::Bt2020Ncl, M::Bt2020Cl, M::Smpte2085, M::ChromaDerivedNcl,
                                 M::ChromaDerivedCl, M::Ictcp, M::Rgb, M::Unspecified});
    return v;
}

const Named<ColorRange>& ranges() {
    static const auto v = named({ColorRange::Limited, ColorRange::Full, ColorRange::Unspecified});
    return v;
}

const Named<FieldOrder>& field_orders() {
    using F = FieldOrder;
    static const auto v = named({F::Progressive, F::TT, F::BB, F::TB, F::BT, F::Unknown});
    return v;
}

template <typename T>
std::vector<std::string> choices(const Named<T>& values) {
    std::vector<std::string> out{"keep"};
    for (const auto& [name, _] : values) out.push_back(name);
    return out;
}

template <typename T>
std::optional<T> lookup(const Named<T>& values, const std::string& name) {
    for (const auto& [n, v] : values)
        if (n == name) return v;
    return std::nullopt;  // keep (the schema allows nothing else)
}

// "keep", or "N:D" / "N/D" with positive integers.
std::optional<Rational> parse_sar(const std::string& text) {
    if (text == "keep") return std::nullopt;
    const auto sep = text.find_first_of(":/");
    const auto number = [](std::string_view s, std::int64_t& out) {
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && out > 0 &&
               out <= std::numeric_limits<std::int32_t>::max();
    };
    std::int64_t num = 0;
    std::int64_t den = 0;
    if (sep == std::string::npos || !number(std::string_view(text).substr(0, sep), num) ||
        !number(std::string_view(text).substr(sep + 1), den))
        throw InputError(fmt::format(
            "setparams sar '{}' is not keep or N:D with positive integers (such as 4:3)", text));
    return Rational{num, den}.reduced();
}

class SetParams final : public Node {
  public:
    explicit SetParams(const ParamSet& params)
        : primaries_(lookup(primaries(), params.get_string("primaries"))),
          transfer_(lookup(transfers(), params.get_string("transfer"))),
          matrix_(lookup(matrices(), params.get_string("matrix"))),
          range_(lookup(ranges(), params.get_string("range"))),
          field_order_(lookup(field_orders(), params.get_string("field_order"))),
          sar_(parse_sar(params.get_string("sar"))),
          fill_only_(params.get_bool("only_unspecified")) {}

    StreamDesc configure(const StreamDesc& in) override {
        StreamDesc out = in;
        out.tags = relabel(in.tags);
        if (field_order_) out.field_order = *field_order_;
        if (sar_) out.sample_aspect = *sar_;
        return out;
    }

    FramePtr process(const FramePtr& in) override {
        const ColorTags tags = relabel(in->tags);
        const FieldOrder order = field_order_.value_or(in->field_order);
        const Rational sar = sar_.value_or(in->sample_aspect);
        if (tags == in->tags && order == in->field_order && sar.num == in->sample_aspect.num &&
            sar.den == in->sample_aspect.den)
            return in;
        // Same pixels (the storage is shared, not copied), new labels.
        auto out = std::make_shared<VideoFrame>(*in);
        out->tags = tags;
        out->field_order = order;
        out->sample_aspect = sar;
        return out;
    }

  private:
    [[nodiscard]] ColorTags relabel(ColorTags tags) const {
        // only_unspecified fills in what the source does not say and never overrides it.
        const auto set = [this](auto& tag, const auto& value, auto unspecified) {
            if (value && (!fill_only_ || tag == unspecified)) tag = *value;
        };
        set(tags.primaries, primaries_, ColorPrimaries::Unspecified);
        set(tags.transfer, transfer_, TransferCharacteristic::Unspecified);
        set(tags.matrix, matrix_, MatrixCoefficients::Unspecified);
        set(tags.range, range_, ColorRange::Unspecified);
        return tags;
    }

    std::optional<ColorPrimaries> primaries_;
    std::optional<TransferCharacteristic> transfer_;
    std::optional<MatrixCoefficients> matrix_;
    std::optional<ColorRange> range_;
    std::optional<FieldOrder> field_order_;
    std::optional<Rational> sar_;
    bool fill_only_ = false;
};

}  // namespace

FilterInfo setparams_filter_info() {
    return transform_info(
        "setparams",
        "Relabels colour tags, field order or sample aspect without touching the pixels (no "
        "copy).",
        {
            choice_param("primaries", choices(primaries()), "keep",
                         "Colour primaries tag (keep: unchanged; names as ffprobe prints them)"),
            choice_param("transfer", choices(transfers()), "keep",
                         "Transfer characteristic tag (keep: unchanged; names as ffprobe prints "
                         "them, e.g. bt709, smpte2084, arib-std-b67)"),
            choice_param("matrix", choices(matrices()), "keep",
                         "Matrix coefficients tag (keep: unchanged; names as ffprobe prints them, "
                         "e.g. bt709, smpte170m, bt2020nc)"),
            choice_param("range", choices(ranges()), "keep",
                         "Range tag: keep, tv (limited), pc (full) or unknown"),
            choice_param("field_order", choices(field_orders()), "keep",
                         "Field order: keep, progressive, tt, bb, tb, bt (coded first, displayed "
                         "first, as ffprobe prints them) or unknown"),
            bool_param("only_unspecified", false,
                       "Set a colour tag only where it is unspecified (fill in, never override)"),
            string_param("sar", "keep",
                         "Sample (pixel) aspect ratio: keep, or N:D / N/D such as "
                         "1:1 or 4:3"),
        },
        [](const ParamSet& params, const NodeContext&) {
            return std::make_unique<SetParams>(params);
        });
}

}  // namespace cinepipe::transform

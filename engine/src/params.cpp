#include "cinepipe/params.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace cinepipe {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string number(double v) {
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

[[noreturn]] void bad(const ParamSpec& spec, const RawValue& raw) {
    throw std::invalid_argument(
        fmt::format("parameter '{}' must be {}, got {}", spec.name, describe_allowed(spec),
                    raw.quoted ? "\"" + raw.text + "\"" : "'" + raw.text + "'"));
}

bool in_range(const ParamSpec& spec, double v) {
    return v >= spec.min && v <= spec.max;
}

}  // namespace

const char* to_string(ParamType type) {
    switch (type) {
        case ParamType::Bool:
            return "bool";
        case ParamType::Int:
            return "int";
        case ParamType::Float:
            return "float";
        case ParamType::String:
            return "string";
        case ParamType::Choice:
            return "choice";
    }
    return "unknown";
}

std::string describe_allowed(const ParamSpec& spec) {
    const bool bounded = !std::isinf(spec.min) || !std::isinf(spec.max);
    const auto range = [&] {
        if (!bounded) return std::string();
        if (std::isinf(spec.max)) return fmt::format(" >= {}", number(spec.min));
        if (std::isinf(spec.min)) return fmt::format(" <= {}", number(spec.max));
        return fmt::format(" in {}..{}", number(spec.min), number(spec.max));
    };
    switch (spec.type) {
        case ParamType::Bool:
            return "true or false";
        case ParamType::Int:
            return "an integer" + range();
        case ParamType::Float:
            return "a number" + range();
        case ParamType::String:
            return "a string";
        case ParamType::Choice:
            return "one of " + join(spec.choices);
    }
    return "a value";
}

std::string format_value(const ParamValue& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>)
                return v ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::int64_t>)
                return std::to_string(v);
            else if constexpr (std::is_same_v<T, double>)
                return number(v);
            else
                return v;
        },
        value);
}

ParamValue coerce(const ParamSpec& spec, const RawValue& raw) {
    const std::string& t = raw.text;
    switch (spec.type) {
        case ParamType::Bool: {
            if (raw.quoted) bad(spec, raw);
            const std::string l = lower(t);
            if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
            if (l == "false" || l == "no" || l == "off" || l == "0") return false;
            bad(spec, raw);
        }
        case ParamType::Int: {
            std::int64_t v = 0;
            const auto* end = t.data() + t.size();
            const auto [ptr, ec] = std::from_chars(t.data(), end, v);
            if (raw.quoted || t.empty() || ec != std::errc() || ptr != end) {
                // 1920.0 is still an integer; 1920.5 is not.
                double d = 0;
                const auto [p2, e2] = std::from_chars(t.data(), end, d);
                if (raw.quoted || e2 != std::errc() || p2 != end || d != std::floor(d) ||
                    std::fabs(d) > 9e15)
                    bad(spec, raw);
                v = static_cast<std::int64_t>(d);
            }
            if (!in_range(spec, static_cast<double>(v))) bad(spec, raw);
            return v;
        }
        case ParamType::Float: {
            double v = 0;
            const auto* end = t.data() + t.size();
            const auto [ptr, ec] = std::from_chars(t.data(), end, v);
            if (raw.quoted || t.empty() || ec != std::errc() || ptr != end || !std::isfinite(v) ||
                !in_range(spec, v))
                bad(spec, raw);
            return v;
        }
        case ParamType::String:
            return t;
        case ParamType::Choice:
            if (std::find(spec.choices.begin(), spec.choices.end(), t) == spec.choices.end())
                bad(spec, raw);
            return t;
    }
    bad(spec, raw);
}

ParamSpec bool_param(std::string name, bool default_value, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Bool;
    p.default_value = default_value;
    p.help = std::move(help);
    return p;
}

ParamSpec int_param(std::string name, std::optional<std::int64_t> default_value, double min,
                    double max, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Int;
    if (default_value) p.default_value = *default_value;
    p.min = min;
    p.max = max;
    p.help = std::move(help);
    return p;
}

ParamSpec string_param(std::string name, std::optional<std::string> default_value,
                       std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::String;
    if (default_value) p.default_value = std::move(*default_value);
    p.help = std::move(help);
    return p;
}

ParamSpec choice_param(std::string name, std::vector<std::string> choices,
                       std::optional<std::string> default_value, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Choice;
    p.choices = std::move(choices);
    if (default_value) p.default_value = std::move(*default_value);
    p.help = std::move(help);
    return p;
}

const ParamValue& ParamSet::at(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) throw std::logic_error("undeclared parameter '" + name + "'");
    return it->second;
}

bool ParamSet::get_bool(const std::string& name) const {
    const auto* v = std::get_if<bool>(&at(name));
    if (!v) throw std::logic_error("parameter '" + name + "' is not a bool");
    return *v;
}

std::int64_t ParamSet::get_int(const std::string& name) const {
    const auto* v = std::get_if<std::int64_t>(&at(name));
    if (!v) throw std::logic_error("parameter '" + name + "' is not an int");
    return *v;
}

double ParamSet::get_float(const std::string& name) const {
    const ParamValue& v = at(name);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    throw std::logic_error("parameter '" + name + "' is not a number");
}

const std::string& ParamSet::get_string(const std::string& name) const {
    const auto* v = std::get_if<std::string>(&at(name));
    if (!v) throw std::logic_error("parameter '" + name + "' is not a string");
    return *v;
}

bool ParamSet::given(const std::string& name) const {
    return std::find(given_.begin(), given_.end(), name) != given_.end();
}

ParamSet validate_params(const std::vector<ParamSpec>& schema,
                         const std::map<std::string, RawValue>& raw) {
    for (const auto& entry : raw) {
        const std::string& name = entry.first;
        const bool known = std::any_of(schema.begin(), schema.end(),
                                       [&](const ParamSpec& s) { return s.name == name; });
        if (known) continue;
        std::vector<std::string> names;
        names.reserve(schema.size());
        for (const auto& s : schema) names.push_back(s.name);
        throw std::invalid_argument(
            names.empty()
                ? fmt::format("unknown parameter '{}' (this filter takes none)", name)
                : fmt::format("unknown parameter '{}' (parameters: {})", name, join(names)));
    }
    std::map<std::string, ParamValue> values;
    std::vector<std::string> given;
    for (const auto& spec : schema) {
        if (const auto it = raw.find(spec.name); it != raw.end()) {
            values.emplace(spec.name, coerce(spec, it->second));
            given.push_back(spec.name);
        } else if (spec.default_value) {
            values.emplace(spec.name, *spec.default_value);
        } else {
            throw std::invalid_argument(fmt::format("missing required parameter '{}' ({})",
                                                    spec.name, describe_allowed(spec)));
        }
    }
    return ParamSet(std::move(values), std::move(given));
}

}  // namespace cinepipe

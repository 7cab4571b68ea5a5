#pragma once
// Typed filter parameters. Every filter (built-in or plugin) declares a schema of ParamSpecs;
// the graph validates values from a spec file or `--set` against it before anything runs,
// so a filter only ever sees values of the right type inside the declared range.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cinepipe {

enum class ParamType : std::uint8_t { Bool, Int, Float, String, Choice };
const char* to_string(ParamType type);  // "bool", "int", "float", "string", "choice"

using ParamValue = std::variant<bool, std::int64_t, double, std::string>;

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::String;
    // The value used when the spec does not give one; nullopt makes the parameter required.
    std::optional<ParamValue> default_value;
    double min = -std::numeric_limits<double>::infinity();  // Int and Float only, inclusive
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices;  // Choice only
    std::string help;
};

// "an integer in 0..16384", "one of bilinear, bicubic, lanczos", "true or false".
std::string describe_allowed(const ParamSpec& spec);
// A value as a spec file would spell it: 1920, 0.5, true, lanczos.
std::string format_value(const ParamValue& value);

// A scalar as written in a graph spec or on the command line. `quoted` scalars are strings
// (YAML/JSON "..."), plain ones are typed by the schema (1920, 0.5, true).
struct RawValue {
    std::string text;
    bool quoted = false;
};

// Converts `raw` to the spec's type, checking range and choices. Throws std::invalid_argument
// with a message such as "must be an integer in 0..16384, got 'big'".
ParamValue coerce(const ParamSpec& spec, const RawValue& raw);

// Schema builders; a nullopt default makes the parameter required.
ParamSpec bool_param(std::string name, bool default_value, std::string help);
ParamSpec int_param(std::string name, std::optional<std::int64_t> default_value, double min,
                    double max, std::string help);
ParamSpec string_param(std::string name, std::optional<std::string> default_value,
                       std::string help);
ParamSpec choice_param(std::string name, std::vector<std::string> choices,
                       std::optional<std::string> default_value, std::string help);

// The validated values of one node: every declared parameter is present (given or default).
class ParamSet {
  public:
    ParamSet() = default;
    ParamSet(std::map<std::string, ParamValue> values, std::vector<std::string> given)
        : values_(std::move(values)), given_(std::move(given)) {}

    // Throw std::logic_error when the name is undeclared or has another type: a filter
    // asking for what its own schema does not declare is a programming error.
    [[nodiscard]] bool get_bool(const std::string& name) const;
    [[nodiscard]] std::int64_t get_int(const std::string& name) const;
    [[nodiscard]] double get_float(const std::string& name) const;               // also accepts Int
    [[nodiscard]] const std::string& get_string(const std::string& name) const;  // String/Choice
    // True when the spec set it explicitly (not the default).
    [[nodiscard]] bool given(const std::string& name) const;
    [[nodiscard]] const std::map<std::string, ParamValue>& values() const { return values_; }

  private:
    [[nodiscard]] const ParamValue& at(const std::string& name) const;
    std::map<std::string, ParamValue> values_;
    std::vector<std::string> given_;
};

// Validates named raw values against a schema: unknown names, wrong types, out-of-range
// values and missing required parameters throw std::invalid_argument naming the parameter.
ParamSet validate_params(const std::vector<ParamSpec>& schema,
                         const std::map<std::string, RawValue>& raw);

}  // namespace cinepipe

// Fuzz target: filter graph specs (YAML or JSON text, docs/graph.md) through the parser and
// the --set override path. Parsing must end in a GraphSpec or an InputError naming the spec.

#include <cstddef>
#include <cstdint>
#include <string>

#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(cinepipe::fuzz::as_text(data, size));
    cinepipe::GraphSpec spec;
    try {
        spec = cinepipe::parse_graph_spec(text, "fuzz.yaml");
    } catch (const cinepipe::InputError&) {
        return 0;
    }
    // A parsed spec takes overrides: one per node, built from the spec's own ids and params
    // (exercises apply_override's lookup and value parsing on whatever the parser let through).
    for (const auto& node : spec.nodes) {
        const std::string param = node.params.empty() ? "x" : node.params.begin()->first;
        for (const char* value : {"1", "a,b", "[1, 2]", "{"}) {
            try {
                cinepipe::apply_override(spec, node.id + "." + param + "=" + value);
            } catch (const cinepipe::InputError&) {
            }
        }
        break;  // the first node is enough; the parser is what is fuzzed
    }
    return 0;
}

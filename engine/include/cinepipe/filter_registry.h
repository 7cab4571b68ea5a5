#pragma once
// The registry of node types: built-in filters and plugin filters register the same way, so
// a plugin filter is a first-class graph node. The registry is the only shared state, and it
// is an object the caller owns, not a global.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cinepipe/node.h"
#include "cinepipe/params.h"

namespace cinepipe {

using NodeFactory =
    std::function<std::unique_ptr<Node>(const ParamSet& params, const NodeContext& context)>;

struct FilterInfo {
    std::string name;     // the graph's `type`, e.g. "scale"
    std::string version;  // e.g. "1.0"
    NodeKind kind = NodeKind::Transform;
    std::string family;  // "io", "transform", "color", "qc", "audio", "plugin"
    std::string help;    // one sentence
    std::vector<ParamSpec> params;
    bool thread_safe = true;          // process() may run on several frames at once
    bool needs_in_order = false;      // process() must see frames in presentation order
    std::string origin = "built-in";  // or the plugin file it came from
    NodeFactory create;               // not used for sources (the graph opens the reader itself)
};

class FilterRegistry {
  public:
    // Throws std::invalid_argument for a duplicate name (a plugin may not replace a built-in).
    void add(FilterInfo info);
    [[nodiscard]] const FilterInfo* find(std::string_view name) const;
    // Sorted by name.
    [[nodiscard]] std::vector<const FilterInfo*> list() const;
    // The closest registered name, for "did you mean" hints; empty when nothing is close.
    [[nodiscard]] std::string closest(std::string_view name) const;

  private:
    std::vector<std::unique_ptr<FilterInfo>> filters_;
};

// The engine's own node types: `source`, `writer` and `discard`.
void register_io_nodes(FilterRegistry& registry);

}  // namespace cinepipe

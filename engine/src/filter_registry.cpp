#include "cinepipe/filter_registry.h"

#include <algorithm>
#include <stdexcept>

namespace cinepipe {

namespace {

// Levenshtein distance, for "did you mean" hints on misspelt node types.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

const char* to_string(NodeKind kind) {
    switch (kind) {
        case NodeKind::Source:
            return "source";
        case NodeKind::Transform:
            return "transform";
        case NodeKind::Analyser:
            return "analyser";
        case NodeKind::Sink:
            return "sink";
    }
    return "unknown";
}

void FilterRegistry::add(FilterInfo info) {
    if (info.name.empty()) throw std::invalid_argument("a filter needs a name");
    if (const FilterInfo* existing = find(info.name))
        throw std::invalid_argument("filter '" + info.name + "' from " + info.origin +
                                    " is already registered by " + existing->origin);
    if (info.kind != NodeKind::Source && !info.create)
        throw std::invalid_argument("filter '" + info.name + "' has no factory");
    filters_.push_back(std::make_unique<FilterInfo>(std::move(info)));
}

const FilterInfo* FilterRegistry::find(std::string_view name) const {
    for (const auto& f : filters_)
        if (f->name == name) return f.get();
    return nullptr;
}

std::vector<const FilterInfo*> FilterRegistry::list() const {
    std::vector<const FilterInfo*> out;
    for (const auto& f : filters_) out.push_back(f.get());
    std::sort(out.begin(), out.end(),
              [](const FilterInfo* a, const FilterInfo* b) { return a->name < b->name; });
    return out;
}

std::string FilterRegistry::closest(std::string_view name) const {
    std::string best;
    std::size_t best_d = 3;  // more than two edits away is not a typo
    for (const auto& f : filters_) {
        const std::size_t d = edit_distance(name, f->name);
        if (d < best_d) {
            best_d = d;
            best = f->name;
        }
    }
    return best;
}

}  // namespace cinepipe

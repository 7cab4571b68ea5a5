#pragma once
// Text for HTML reports (the QC report, the batch report): escaping (every string from the
// media is untrusted: a file name or a message can hold markup) and base64 for data: URIs.

#include <string>
#include <string_view>

namespace cinepipe::qc {

// &, <, >, " and ' as entities: safe in element text and in quoted attributes.
std::string html_escape(std::string_view text);
std::string base64(std::string_view bytes);

}  // namespace cinepipe::qc

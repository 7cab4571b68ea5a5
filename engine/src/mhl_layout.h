#pragma once
// Where an ASC MHL history lives and how its files are named, after the ASC MHL v2 spec and
// its reference implementation (github.com/ascmitc/mhl: ascmhl/__version__.py, history.py,
// utils.py): ROOT/ascmhl/ holds "NNNN_<root folder name>_<date>_<time>Z.mhl" generation files
// and ascmhl_chain.xml.

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cinepipe::mhl {

inline constexpr const char* kFolderName = "ascmhl";
inline constexpr const char* kChainFileName = "ascmhl_chain.xml";
inline constexpr const char* kExtension = ".mhl";
inline constexpr const char* kHashlistNamespace = "urn:ASC:MHL:v2.0";
inline constexpr const char* kChainNamespace = "urn:ASC:MHL:DIRECTORY:v2.0";

// The reference implementation's default ignore list: the ascmhl folder itself and macOS
// Finder files are never part of the media.
std::vector<std::string> default_ignore_patterns();

// The generation number a file name starts with ("0003_A001_....mhl" -> 3), as the reference
// reads it (four or more digits, then '_' or the end of the stem); nullopt when the name does
// not follow the convention or is not a .mhl file.
std::optional<int> generation_number(std::string_view file_name);

// A generation file's name: "0003_A001_2024-05-01_101500Z.mhl".
std::string generation_file_name(int generation, const std::string& root_name, std::time_t when);

// The name of the root folder as it appears in generation file names ("/a/b/" -> "b").
std::string root_folder_name(const std::string& root);

// ISO 8601 in UTC with a numeric offset, as the reference writes xs:dateTime values:
// "2024-05-01T10:15:00+00:00".
std::string iso8601_utc(std::time_t when);

// The .mhl files in an ascmhl folder (names only, sorted).
std::vector<std::string> mhl_files_in(const std::string& ascmhl_folder);

// Whether `rel_path` (relative to the root, '/' separators) is ignored by `patterns`, a subset
// of the gitignore syntax the spec uses: "name" matches any path component, "dir/" a folder
// component, a pattern with an inner '/' the whole path; '*', '?' and [...] as in fnmatch.
bool is_ignored(const std::string& rel_path, bool is_folder,
                const std::vector<std::string>& patterns);

// A recorded path that stays under the root: relative, non-empty, no "." or ".." component.
bool is_safe_relative_path(std::string_view rel_path);

}  // namespace cinepipe::mhl

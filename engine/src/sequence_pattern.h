#pragma once
// Image-sequence naming. A sequence is named the way compositors and libav name them: a
// printf pattern ("shot.%06d.exr"), a hash pattern ("shot.####.dpx", one '#' per digit of
// zero padding), or any one of its files ("shot.000100.exr").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cinepipe {

enum class SequenceForm : std::uint8_t {
    Printf,  // "%06d" or "%d"
    Hash,    // "######"
    File,    // a concrete member file; its last run of digits is the frame number
};

struct SequencePattern {
    SequenceForm form = SequenceForm::Printf;
    std::string folder;  // parent folder as given; empty for the current folder
    std::string prefix;  // file-name text before the frame number
    std::string suffix;  // file-name text after the frame number, extension included
    // Minimum digit count, as printf's %0Nd: numbers that need more digits are not cut.
    // 0 means no padding ("%d").
    int padding = 0;
    // The frame number of the file the pattern was derived from (SequenceForm::File only).
    std::optional<std::int64_t> given_frame;

    [[nodiscard]] std::string path_for(std::int64_t frame_number) const;
    // The file name (no folder) for a frame number.
    [[nodiscard]] std::string file_name_for(std::int64_t frame_number) const;
    // The extension without the dot, lower-cased ("exr"); empty when there is none.
    [[nodiscard]] std::string extension() const;
    // True when `path` was a pattern (printf or hash), not a member file.
    [[nodiscard]] bool is_pattern() const { return form != SequenceForm::File; }
};

// nullopt when `path` is neither a pattern nor has a run of digits in its file name.
std::optional<SequencePattern> parse_sequence_pattern(const std::string& path);

// One existing member file of a sequence.
struct SequenceFile {
    std::int64_t frame_number = 0;
    std::string path;
};

// The member files present in the pattern's folder, sorted by frame number. With padding N
// a name matches when its digits are exactly what %0Nd prints for their value (so a padded
// sequence never picks up "shot.7.exr"); with "%d" any digit run matches, and when two names
// give the same number the one without leading zeros wins.
std::vector<SequenceFile> scan_files(const SequencePattern& pattern);
// The frame numbers of scan_files(), sorted.
std::vector<std::int64_t> scan_frames(const SequencePattern& pattern);

// True for a printf or hash pattern, or for a path (existing or not) with an exr, dpx, tif or
// tiff extension. An existing file with any other extension is a movie, even if its name
// happens to contain '#' or "%d".
bool looks_like_image_sequence(const std::string& path);

}  // namespace cinepipe

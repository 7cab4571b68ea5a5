#pragma once
// Stills for people: text rendered to a coverage mask (for burn-ins), and small RGB pictures
// written as JPEG/PNG (poster frames, contact sheets). FreeType and libavcodec inside.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cinepipe {

// Text as coverage, 0..1, one float per pixel, rows top to bottom. Every mask of one
// TextRenderer has the same height and baseline, so a changing text (a timecode) does not
// jump from frame to frame.
struct TextMask {
    int width = 0;
    int height = 0;
    std::vector<float> coverage;
};

class TextRenderer {
  public:
    // `font`: a font file, or a file name (with or without .ttf/.otf/...) found in the system
    // font folders (/usr/share/fonts, /usr/local/share/fonts, ~/.fonts, ~/.local/share/fonts);
    // `pixel_size`: the nominal height in pixels. Throws InputError when the font is unusable.
    TextRenderer(std::string font, int pixel_size);
    ~TextRenderer();
    TextRenderer(const TextRenderer&) = delete;
    TextRenderer& operator=(const TextRenderer&) = delete;

    // Safe to call from many threads (rendering is serialised inside).
    [[nodiscard]] TextMask render(const std::string& text) const;
    [[nodiscard]] int height() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The font burn-ins use by default: DejaVu Sans Mono Bold (fonts-dejavu-core), whose equal
// digit widths keep a running timecode still. Throws InputError when it is not installed.
std::string default_burnin_font();

// 8-bit sRGB-coded R'G'B', rows top to bottom.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;  // width * height * 3
};

// A JPEG (quality 90) or PNG, chosen by extension, written under a temporary name beside
// `path` by the constructor and renamed into place by commit(); destroyed uncommitted, it
// removes the temporary. Throws OutputError (an existing `path` without overwrite, a folder
// that cannot be written, another extension).
class StillFile {
  public:
    StillFile(const std::string& path, const RgbImage& image, bool overwrite);
    ~StillFile();
    StillFile(StillFile&&) noexcept;
    StillFile& operator=(StillFile&&) = delete;
    StillFile(const StillFile&) = delete;
    StillFile& operator=(const StillFile&) = delete;
    void commit();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Throws OutputError unless `path` names a .jpg/.jpeg/.png that may be created.
void check_still_target(const std::string& path, bool overwrite);

inline void write_still(const std::string& path, const RgbImage& image, bool overwrite) {
    StillFile(path, image, overwrite).commit();
}

struct ContactSheetCell {
    RgbImage image;
    std::string label;  // drawn under the picture, e.g. its timecode
};

// A grid of `columns` cells with their labels under a title line, on a dark background.
RgbImage make_contact_sheet(const std::vector<ContactSheetCell>& cells, int columns,
                            const std::string& title);

}  // namespace cinepipe

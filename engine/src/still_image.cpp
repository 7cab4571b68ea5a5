// Stills: written atomically from the bytes still_encoder.h makes, and contact sheets. The
// text renderer is text_renderer.cpp.

#include "cinepipe/still_image.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "atomic_file.h"
#include "cinepipe/error.h"
#include "still_encoder.h"

namespace cinepipe {

namespace {
namespace fs = std::filesystem;
}  // namespace

std::string default_burnin_font() {
    for (const char* p : {"/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
                          "/usr/share/fonts/TTF/DejaVuSansMono-Bold.ttf",
                          "/usr/local/share/fonts/DejaVuSansMono-Bold.ttf"}) {
        std::error_code ec;
        if (fs::exists(p, ec)) return p;
    }
    throw InputError(
        "the burn-in font DejaVu Sans Mono Bold is not installed (Debian package "
        "fonts-dejavu-core); give a font file with font=");
}

namespace {
std::string lower_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

// True for .jpg/.jpeg, false for .png; throws for anything else.
bool is_jpeg(const std::string& path) {
    const std::string ext = lower_extension(path);
    if (ext != ".jpg" && ext != ".jpeg" && ext != ".png")
        throw OutputError(path + ": stills are written as .jpg or .png");
    return ext != ".png";
}
}  // namespace

void check_still_target(const std::string& path, bool overwrite) {
    (void)is_jpeg(path);
    check_output_target(path, overwrite);
}

struct StillFile::Impl {
    AtomicFile file;
};

StillFile::StillFile(const std::string& path, const RgbImage& image, bool overwrite) {
    const bool jpeg = is_jpeg(path);
    impl_ = std::make_unique<Impl>(Impl{AtomicFile(path, overwrite)});
    std::string bytes;
    try {
        bytes = jpeg ? encode_jpeg(image) : encode_png(image);
    } catch (const std::runtime_error& e) {
        throw OutputError(path + ": " + e.what());
    }
    std::ofstream out(impl_->file.temp_path(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw OutputError(path + ": cannot write " + impl_->file.temp_path());
}

StillFile::~StillFile() = default;
StillFile::StillFile(StillFile&&) noexcept = default;

void StillFile::commit() {
    impl_->file.commit();
}

RgbImage make_contact_sheet(const std::vector<ContactSheetCell>& cells, int columns,
                            const std::string& title) {
    if (cells.empty()) throw InputError("a contact sheet needs at least one picture");
    columns = std::clamp(columns, 1, static_cast<int>(cells.size()));
    const int cw = cells.front().image.width;
    const int ch = cells.front().image.height;
    const int gap = std::max(8, cw / 32);
    const int label = std::max(12, ch / 9);
    const TextRenderer label_font(default_burnin_font(), label);
    const TextRenderer title_font(default_burnin_font(), label * 3 / 2);
    const int rows = (static_cast<int>(cells.size()) + columns - 1) / columns;
    const int top = gap * 2 + title_font.height();
    RgbImage sheet;
    sheet.width = gap + columns * (cw + gap);
    sheet.height = top + rows * (ch + label_font.height() + gap * 2);
    sheet.rgb.assign(
        static_cast<std::size_t>(sheet.width) * static_cast<std::size_t>(sheet.height) * 3, 24);
    const auto draw_text = [&](const TextMask& m, int x0, int y0) {
        for (int y = 0; y < m.height; ++y)
            for (int x = 0; x < m.width; ++x) {
                const int sx = x0 + x, sy = y0 + y;
                if (sx < 0 || sy < 0 || sx >= sheet.width || sy >= sheet.height) continue;
                const float a = m.coverage[static_cast<std::size_t>(y) * m.width + x];
                for (int c = 0; c < 3; ++c) {
                    auto& v = sheet.rgb[(static_cast<std::size_t>(sy) * sheet.width + sx) * 3 + c];
                    v = static_cast<std::uint8_t>(std::lround(v * (1 - a) + 235 * a));
                }
            }
    };
    draw_text(title_font.render(title), gap, gap);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto& img = cells[i].image;
        const int col = static_cast<int>(i) % columns;
        const int row = static_cast<int>(i) / columns;
        const int x0 = gap + col * (cw + gap);
        const int y0 = top + row * (ch + label_font.height() + gap * 2);
        for (int y = 0; y < std::min(ch, img.height); ++y)
            std::copy_n(
                img.rgb.begin() + static_cast<std::ptrdiff_t>(y) * img.width * 3,
                std::min(cw, img.width) * 3,
                sheet.rgb.begin() + (static_cast<std::ptrdiff_t>(y0 + y) * sheet.width + x0) * 3);
        draw_text(label_font.render(cells[i].label), x0, y0 + ch + gap / 2);
    }
    return sheet;
}

}  // namespace cinepipe

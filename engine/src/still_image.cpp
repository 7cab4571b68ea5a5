// Text through OpenImageIO's render_text (FreeType); stills through ImageOutput. OIIO does not
// promise that its text rendering is thread-safe, so each renderer serialises its calls.

#include "cinepipe/still_image.h"

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>
#include <OpenImageIO/imageio.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <mutex>

#include "atomic_file.h"
#include "cinepipe/error.h"

namespace cinepipe {

namespace {
namespace fs = std::filesystem;
using OIIO::ImageBuf;
using OIIO::ImageSpec;
using OIIO::ROI;
using OIIO::TypeDesc;
}  // namespace

struct TextRenderer::Impl {
    std::string font;
    int size = 0;
    int ascent = 0;   // pixels above the baseline every mask reserves
    int descent = 0;  // and below it
    mutable std::mutex mutex;
};

TextRenderer::TextRenderer(std::string font, int pixel_size) : impl_(std::make_unique<Impl>()) {
    impl_->font = std::move(font);
    impl_->size = std::max(pixel_size, 4);
    // The tallest and deepest glyphs fix the box, so every text shares one baseline.
    const ROI ref = OIIO::ImageBufAlgo::text_size("Ag|0:;", impl_->size, impl_->font);
    if (!ref.defined())
        throw InputError(impl_->font + ": cannot render text with this font (" + OIIO::geterror() +
                         ")");
    impl_->ascent = std::max(-ref.ybegin, 1);
    impl_->descent = std::max(ref.yend, 0);
}

TextRenderer::~TextRenderer() = default;

int TextRenderer::height() const {
    return impl_->ascent + impl_->descent;
}

TextMask TextRenderer::render(const std::string& text) const {
    const std::lock_guard lock(impl_->mutex);
    TextMask mask;
    mask.height = height();
    if (text.empty()) return mask;
    const ROI box = OIIO::ImageBufAlgo::text_size(text, impl_->size, impl_->font);
    if (!box.defined()) return mask;
    const int left = std::min(box.xbegin, 0);
    mask.width = box.xend - left + 1;
    ImageBuf buf(ImageSpec(mask.width, mask.height, 1, TypeDesc::FLOAT));
    OIIO::ImageBufAlgo::zero(buf);
    const std::array<float, 1> white{1.0F};
    OIIO::ImageBufAlgo::render_text(buf, -left, impl_->ascent, text, impl_->size, impl_->font,
                                    white);
    mask.coverage.resize(static_cast<std::size_t>(mask.width) *
                         static_cast<std::size_t>(mask.height));
    buf.get_pixels(ROI(0, mask.width, 0, mask.height, 0, 1, 0, 1), TypeDesc::FLOAT,
                   mask.coverage.data());
    return mask;
}

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
void check_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".jpg" && ext != ".jpeg" && ext != ".png")
        throw OutputError(path + ": stills are written as .jpg or .png");
}
}  // namespace

void check_still_target(const std::string& path, bool overwrite) {
    check_extension(path);
    check_output_target(path, overwrite);
}

struct StillFile::Impl {
    AtomicFile file;
};

StillFile::StillFile(const std::string& path, const RgbImage& image, bool overwrite) {
    check_extension(path);
    impl_ = std::make_unique<Impl>(Impl{AtomicFile(path, overwrite)});
    const std::string& temp = impl_->file.temp_path();
    auto out = OIIO::ImageOutput::create(temp);
    if (!out)
        throw OutputError(path + ": cannot create the image writer (" + OIIO::geterror() + ")");
    ImageSpec spec(image.width, image.height, 3, TypeDesc::UINT8);
    spec.attribute("CompressionQuality", 90);
    spec.attribute("oiio:ColorSpace", "sRGB");
    if (!out->open(temp, spec) || !out->write_image(TypeDesc::UINT8, image.rgb.data()) ||
        !out->close())
        throw OutputError(path + ": cannot write (" + out->geterror() + ")");
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
                const float a = m.coverage[static_cast<std::size_t>(y * m.width + x)];
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

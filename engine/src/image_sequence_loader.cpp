// image_sequence.h's entry points, forwarded to the cinepipe_oiio module, which is loaded on
// first use and then kept for the life of the process. It is never unloaded: readers, writers
// and frames it made may outlive any one call, and OpenImageIO's own threads and exit
// handlers do not survive dlclose().
//
// Where the module is looked for, first match wins:
//   1. $CINEPIPE_OIIO_MODULE, the module file itself (then nothing else is tried);
//   2. beside the running executable;
//   3. <executable's folder>/../<libdir>/cinepipe/: the build tree (build/cli/cinepipe,
//      build/tests/... next to build/<libdir>/cinepipe/) and an installed prefix alike;
//   4. the configured install folder, CMAKE_INSTALL_FULL_LIBDIR/cinepipe.

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "cinepipe/error.h"
#include "image_sequence.h"
#include "image_sequence_module.h"

namespace cinepipe {

namespace {
namespace fs = std::filesystem;

std::vector<std::string> candidate_paths() {
    std::vector<std::string> paths;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path dir = exe.parent_path();
        paths.push_back((dir / kImageSequenceModuleFile).string());
        paths.push_back(
            (dir.parent_path() / CINEPIPE_MODULE_RELDIR / kImageSequenceModuleFile).string());
    }
    paths.push_back((fs::path(CINEPIPE_MODULE_INSTALL_DIR) / kImageSequenceModuleFile).string());
    return paths;
}

bool is_file(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

// dlerror()'s text on one line (it is one line in practice; this keeps the promise).
std::string load_error() {
    const char* e = ::dlerror();
    std::string text = e ? e : "unknown dlopen error";
    for (char& c : text)
        if (c == '\n') c = ' ';
    return text;
}

// Loads `file` and returns its module; throws InputError naming `sequence` when it cannot.
const ImageSequenceModule& load(const std::string& file, const std::string& sequence) {
    const std::string prefix =
        sequence + ": image sequences need cinepipe's OpenImageIO module, and " + file;
    // RTLD_LOCAL: OpenImageIO's symbols stay inside the module.
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw InputError(prefix + " cannot be loaded (" + load_error() + ")");
    auto entry =
        reinterpret_cast<ImageSequenceModuleEntry>(::dlsym(handle, kImageSequenceModuleEntry));
    const ImageSequenceModule* module = entry ? entry(kImageSequenceModuleStamp) : nullptr;
    if (!module) {
        ::dlclose(handle);  // nothing of it was used
        throw InputError(prefix + (entry ? " was built for another cinepipe"
                                         : " is not a cinepipe OpenImageIO module"));
    }
    return *module;  // the handle stays open for good (see the top of the file)
}

// The registry of the one module: loaded by the first caller, shared by all threads. A failed
// load is not remembered, so a later call reports the same one-line error again.
const ImageSequenceModule& module_for(const std::string& sequence) {
    static std::mutex mutex;
    static const ImageSequenceModule* loaded = nullptr;
    const std::lock_guard lock(mutex);
    if (loaded) return *loaded;
    if (const char* env = std::getenv("CINEPIPE_OIIO_MODULE"); env && *env) {
        loaded = &load(env, sequence);
        return *loaded;
    }
    const std::vector<std::string> paths = candidate_paths();
    for (const std::string& path : paths)
        if (is_file(path)) {
            loaded = &load(path, sequence);
            return *loaded;
        }
    std::string looked;
    for (const std::string& path : paths) looked += (looked.empty() ? "" : ", ") + path;
    throw InputError(sequence + ": image sequences need cinepipe's OpenImageIO module " +
                     kImageSequenceModuleFile + ", which is not installed (looked for " + looked +
                     "; set CINEPIPE_OIIO_MODULE to its path)");
}

}  // namespace

std::unique_ptr<MediaReader> open_image_sequence(const std::string& path,
                                                 const ReaderOptions& options) {
    return module_for(path).open(path, options);
}

void seek_image_sequence(MediaReader& reader, std::int64_t index) {
    // Only a reader the module made can be seeked, so the module is loaded by now.
    module_for("seek").seek(reader, index);
}

std::unique_ptr<MediaWriter> create_image_sequence_writer(const WriterConfig& config) {
    return module_for(config.path).create_writer(config);
}

}  // namespace cinepipe

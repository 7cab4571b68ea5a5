#pragma once
// Tells ThreadSanitizer about the hand-overs oneTBB makes between threads. Debian's libtbb is
// not built with TSan, so TSan cannot see the synchronisation inside it and would report every
// unit a pipeline passes from one thread to the next, and every serial stage whose calls land
// on different threads, as a data race. Each pipeline therefore:
//  - passes units as pointers into a ring of slots it owns (a pointer travels inside TBB's own
//    token, which TSan does not watch) and marks each slot released by the stage that wrote it
//    and acquired by the next one;
//  - marks a serial stage's state acquired at the start of each call and released at its end.
// That is exactly the ordering oneTBB guarantees, so no real race is hidden: two units worked
// on at once in a parallel stage still share no happens-before. Without TSan these are no-ops.

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CINEPIPE_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define CINEPIPE_TSAN 1
#endif

#ifdef CINEPIPE_TSAN
extern "C" void __tsan_acquire(void* addr);  // NOLINT(bugprone-reserved-identifier)
extern "C" void __tsan_release(void* addr);  // NOLINT(bugprone-reserved-identifier)
#endif

#include <cstddef>
#include <vector>

namespace cinepipe {

// What a thread did before tsan_release(p) happens before what another does after
// tsan_acquire(p), as the real synchronisation (inside libtbb) guarantees.
inline void tsan_release(const void* p) {
#ifdef CINEPIPE_TSAN
    __tsan_release(const_cast<void*>(p));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
#else
    (void)p;
#endif
}

inline void tsan_acquire(const void* p) {
#ifdef CINEPIPE_TSAN
    __tsan_acquire(const_cast<void*>(p));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
#else
    (void)p;
#endif
}

// oneTBB copies each stage's lambda into a filter object on the calling thread and calls it on
// workers. The caller releases this address once the filters are built; every stage acquires it
// first thing, before it reads its captures (so it must not be a capture itself).
inline const void* tbb_filters_built() {
    static const char marker = 0;
    return &marker;
}

// Marks what is at `p` (a serial stage's own state, or a unit in its ring slot) acquired for
// the object's lifetime and released after.
class HandedOver {
  public:
    explicit HandedOver(const void* p) : p_(p) { tsan_acquire(p_); }
    ~HandedOver() { tsan_release(p_); }
    HandedOver(const HandedOver&) = delete;
    HandedOver& operator=(const HandedOver&) = delete;

  private:
    const void* p_;
};

// The slots a pipeline's units live in while they travel between stages as pointers (a pointer
// rides inside oneTBB's own token, which TSan does not watch). At most size() tokens are alive
// and the last stage retires them in order, so the slot next() gives was emptied by the unit
// size() before it; the last stage empties its slot, so pictures go back to their pools then.
template <typename Unit>
class UnitRing {
  public:
    explicit UnitRing(std::size_t size) : slots_(size) {}
    [[nodiscard]] std::size_t size() const { return slots_.size(); }
    // For the serial input stage only.
    [[nodiscard]] Unit* next() { return &slots_[next_++ % slots_.size()]; }
    // After the pipeline: what any stage last did to a slot happens before what follows.
    void join() const {
        for (const auto& slot : slots_) tsan_acquire(&slot);
    }

  private:
    std::vector<Unit> slots_;
    std::size_t next_ = 0;
};

}  // namespace cinepipe

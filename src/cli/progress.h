// progress.h: the progress line (human sizes, smoothed rate, ETA, bar) and its terminal drawing.
#ifndef XFER_CLI_PROGRESS_H
#define XFER_CLI_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <string>

namespace xfer_cli {

constexpr uint64_t kUnknownTotal = UINT64_MAX;  // same value as XFER_SIZE_UNKNOWN

// "0 B", "1023 B", "1.0 KiB", "112.0 MiB", "3.5 GiB" (powers of 1024, one decimal).
std::string format_bytes(uint64_t n);
// format_bytes(rate) + "/s".
std::string format_rate(double bytes_per_s);
// "0:07", "12:34", "1:02:03"; "--:--" when unknown (negative, not finite or over 99 hours).
std::string format_eta(double seconds);

// Transfer rate smoothed with an exponential moving average over time (time constant tau),
// so a stall or a burst moves it gradually. Samples closer than min_interval are folded into
// the next one.
class RateMeter {
 public:
  explicit RateMeter(double tau_s = 3.0, double min_interval_s = 0.2)
      : tau_(tau_s), min_interval_(min_interval_s) {}
  void add(double t_s, uint64_t bytes_done);
  bool has_rate() const { return has_rate_; }
  double rate() const { return rate_; }  // bytes per second; 0 until has_rate()

 private:
  double tau_;
  double min_interval_;
  bool started_ = false;
  bool has_rate_ = false;
  double last_t_ = 0;
  uint64_t last_bytes_ = 0;
  double rate_ = 0;
};

// One progress line without control characters, at most width - 1 columns:
//   "112.0 MiB/256.0 MiB  43% [#########-----------] 25.3 MiB/s ETA 0:06"
// or, when total is kUnknownTotal, "112.0 MiB 25.3 MiB/s". The bar shrinks or goes to fit.
std::string render_progress_line(uint64_t done, uint64_t total, bool has_rate, double rate,
                                 int width);

// Draws the progress line on a terminal ("\r" + line + "\x1b[K"), at most every
// redraw_interval. Disabled: every call does nothing.
class ProgressDisplay {
 public:
  ProgressDisplay(int fd, bool enabled);
  ~ProgressDisplay() { clear(); }
  ProgressDisplay(const ProgressDisplay &) = delete;
  ProgressDisplay &operator=(const ProgressDisplay &) = delete;

  // Records the latest numbers (from the library's progress callback); draws nothing.
  void update(uint64_t done, uint64_t total);
  // Bytes taken from a stream so far (stdin uploads): shown while the total is unknown, as
  // the library reports bytes sent and reading can run ahead of sending.
  void note_stream_bytes(uint64_t n) { stream_bytes_ = n; }
  // Redraws if the last drawing is older than the redraw interval.
  void tick();
  // Erases the line, if one is shown.
  void clear();

 private:
  using Clock = std::chrono::steady_clock;
  int width() const;
  uint64_t shown_done() const;
  void draw();

  int fd_;
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
  bool drawn_once_ = false;
  uint64_t done_ = 0;
  uint64_t total_ = kUnknownTotal;
  uint64_t stream_bytes_ = 0;
  RateMeter meter_;
};

}  // namespace xfer_cli

#endif  // XFER_CLI_PROGRESS_H

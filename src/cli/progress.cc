// progress.cc: the progress line (human sizes, smoothed rate, ETA, bar) and its terminal drawing.
#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>

namespace xfer_cli {

std::string format_bytes(uint64_t n) {
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (n < 1024) return std::to_string(n) + " B";
  double v = static_cast<double>(n) / 1024.0;
  size_t u = 0;
  // Switch unit before printf would round up to "1024.0".
  while (v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string format_rate(double bytes_per_s) {
  if (!(bytes_per_s >= 0) || !std::isfinite(bytes_per_s)) bytes_per_s = 0;
  if (bytes_per_s > 1.8e19) bytes_per_s = 1.8e19;
  return format_bytes(static_cast<uint64_t>(std::llround(bytes_per_s))) + "/s";
}

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds >= 99.0 * 3600) return "--:--";
  auto s = static_cast<uint64_t>(std::ceil(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%u:%02u:%02u", static_cast<unsigned>(s / 3600),
                  static_cast<unsigned>(s / 60 % 60), static_cast<unsigned>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%u:%02u", static_cast<unsigned>(s / 60),
                  static_cast<unsigned>(s % 60));
  }
  return buf;
}

void RateMeter::add(double t_s, uint64_t bytes_done) {
  if (!started_) {
    started_ = true;
    last_t_ = t_s;
    last_bytes_ = bytes_done;
    return;
  }
  double dt = t_s - last_t_;
  if (dt < min_interval_) return;
  double inst = static_cast<double>(bytes_done - last_bytes_) / dt;
  if (bytes_done < last_bytes_) inst = 0;  // never decreases, but do not wrap if it did
  if (!has_rate_) {
    rate_ = inst;
    has_rate_ = true;
  } else {
    double alpha = 1.0 - std::exp(-dt / tau_);
    rate_ += alpha * (inst - rate_);
  }
  last_t_ = t_s;
  last_bytes_ = bytes_done;
}

std::string render_progress_line(uint64_t done, uint64_t total, bool has_rate, double rate,
                                 int width) {
  const size_t max_len = width > 1 ? static_cast<size_t>(width - 1) : 0;
  std::string rate_s = has_rate ? format_rate(rate) : "--/s";
  std::string line;
  if (total == kUnknownTotal) {
    line = format_bytes(done) + " " + rate_s;
  } else {
    if (done > total) done = total;
    int pct = total == 0 ? 100
                         : static_cast<int>(static_cast<long double>(done) * 100 /
                                            static_cast<long double>(total));
    char pct_s[8];
    std::snprintf(pct_s, sizeof pct_s, "%3d%%", pct);
    double eta = -1;
    if (has_rate && rate > 0) eta = static_cast<double>(total - done) / rate;
    std::string head = format_bytes(done) + "/" + format_bytes(total) + " " + pct_s;
    std::string tail = rate_s + " ETA " + format_eta(eta);
    // The bar gets what is left after "head [" "] tail", between 10 and 40 cells.
    size_t fixed = head.size() + 3 + 1 + tail.size() + 1;
    if (max_len >= fixed + 10) {
      size_t cells = max_len - fixed;
      if (cells > 40) cells = 40;
      size_t full = total == 0 ? cells
                               : static_cast<size_t>(static_cast<long double>(done) * cells /
                                                     static_cast<long double>(total));
      line = head + " [" + std::string(full, '#') + std::string(cells - full, '-') + "] " + tail;
    } else {
      line = head + " " + tail;
    }
  }
  if (line.size() > max_len) line.resize(max_len);
  return line;
}

namespace {

void write_all(int fd, const std::string &s) {
  const char *p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // progress is best effort
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

ProgressDisplay::ProgressDisplay(int fd, bool enabled)
    : fd_(fd), enabled_(enabled), start_(Clock::now()) {}

void ProgressDisplay::update(uint64_t done, uint64_t total) {
  done_ = done;
  total_ = total;
}

int ProgressDisplay::width() const {
  struct winsize ws {};
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void ProgressDisplay::tick() {
  if (!enabled_) return;
  Clock::time_point now = Clock::now();
  meter_.add(std::chrono::duration<double>(now - start_).count(), shown_done());
  // Nothing for the first 200 ms, so quick transfers do not flash a line; then ~10 per second.
  if (!drawn_once_ && now - start_ < std::chrono::milliseconds(200)) return;
  if (drawn_once_ && now - last_draw_ < std::chrono::milliseconds(95)) return;
  last_draw_ = now;
  drawn_once_ = true;
  draw();
}

uint64_t ProgressDisplay::shown_done() const {
  return total_ == kUnknownTotal && stream_bytes_ > done_ ? stream_bytes_ : done_;
}

void ProgressDisplay::draw() {
  std::string line =
      render_progress_line(shown_done(), total_, meter_.has_rate(), meter_.rate(), width());
  write_all(fd_, "\r" + line + "\x1b[K");
  shown_ = true;
}

void ProgressDisplay::clear() {
  if (!shown_) return;
  write_all(fd_, "\r\x1b[K");
  shown_ = false;
}

}  // namespace xfer_cli

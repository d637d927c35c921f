// Thin Node-API binding over mtrl::Trainer: argument checks, then the heavy work on libuv worker threads.
#include <napi.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "gemm.h"
#include "trainer.h"

namespace {

float* floats(const Napi::Env& env, const Napi::Value& v, size_t expected, const char* name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(env, std::string(name) + " must be a Float32Array");
  auto a = v.As<Napi::Float32Array>();
  if (a.ElementLength() != expected)
    throw Napi::RangeError::New(env, std::string(name) + " must hold " + std::to_string(expected) + " values; got " +
                                         std::to_string(a.ElementLength()));
  return a.Data();
}

int integer(const Napi::Env& env, const Napi::Value& v, int lo, int hi, const char* name) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(name) + " must be a number");
  const double x = v.As<Napi::Number>().DoubleValue();
  if (!(x >= lo && x <= hi) || x != static_cast<int>(x))
    throw Napi::RangeError::New(env, std::string(name) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(x);
}

// Runs `work` off the main thread and settles a promise with `result`; keeps the JS objects it touches alive.
class Job : public Napi::AsyncWorker {
 public:
  Job(Napi::Env env, std::vector<Napi::Object> keep, std::function<void()> work, std::function<Napi::Value(Napi::Env)> result,
      std::function<void()> done)
      : Napi::AsyncWorker(env, "mtrl"), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)),
        result_(std::move(result)), done_(std::move(done)) {
    for (auto& o : keep) keep_.push_back(Napi::Persistent(o));
  }
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      work_();
    } catch (const std::bad_alloc&) {
      SetError("native backend ran out of memory");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    done_();
    deferred_.Resolve(result_(Env()));
  }
  void OnError(const Napi::Error& e) override {
    done_();
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> result_;
  std::function<void()> done_;
  std::vector<Napi::ObjectReference> keep_;
};

class TrainerWrap : public Napi::ObjectWrap<TrainerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Trainer",
                       {InstanceMethod("setData", &TrainerWrap::SetData), InstanceMethod("round", &TrainerWrap::Round),
                        InstanceMethod("evaluate", &TrainerWrap::Evaluate), InstanceMethod("read", &TrainerWrap::Read),
                        InstanceMethod("write", &TrainerWrap::Write), InstanceMethod("features", &TrainerWrap::Features),
                        InstanceMethod("free", &TrainerWrap::Free)});
  }

  explicit TrainerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TrainerWrap>(info) {
    auto env = info.Env();
    if (info.Length() != 5) throw Napi::TypeError::New(env, "Trainer(d, m, T, n, chunk) takes 5 numbers");
    const int d = integer(env, info[0], 1, 1 << 20, "d"), m = integer(env, info[1], 1, 1 << 20, "m");
    const int T = integer(env, info[2], 1, 1 << 24, "T"), n = integer(env, info[3], 1, 1 << 24, "n");
    const int chunk = integer(env, info[4], 1, T, "chunk");
    try {
      trainer_ = std::make_unique<mtrl::Trainer>(d, m, T, n, chunk);
    } catch (const std::bad_alloc&) {
      throw Napi::RangeError::New(env, "native backend could not allocate the model");
    }
  }

 private:
  mtrl::Trainer& live(const Napi::Env& env) {
    if (!trainer_) throw Napi::Error::New(env, "trainer was freed");
    if (busy_) throw Napi::Error::New(env, "trainer is busy with another call");
    return *trainer_;
  }

  Napi::Value Start(const Napi::CallbackInfo& info, std::vector<Napi::Object> keep, std::function<void()> work,
                    std::function<Napi::Value(Napi::Env)> result) {
    live(info.Env());
    keep.push_back(info.This().As<Napi::Object>());
    busy_ = true;
    auto* job = new Job(info.Env(), std::move(keep), std::move(work), std::move(result), [this] { busy_ = false; });
    auto promise = job->Promise();
    job->Queue();
    return promise;
  }

  Napi::Value SetData(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto& t = live(env);
    const int slot = integer(env, info[0], 0, 1, "slot");
    const size_t rows = static_cast<size_t>(t.T) * t.n;
    const float* X = floats(env, info[1], rows * t.d, "X");
    const float* Y = floats(env, info[2], rows, "Y");
    try {
      t.setData(slot, X, Y);
    } catch (const std::bad_alloc&) {
      throw Napi::RangeError::New(env, "native backend ran out of memory storing the training data");
    }
    return env.Undefined();
  }

  Napi::Value Round(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto& t = live(env);
    if (!info[0].IsArray() || info[0].As<Napi::Array>().Length() != 9) throw Napi::TypeError::New(env, "round(spec) takes 9 numbers");
    auto a = info[0].As<Napi::Array>();
    auto num = [&](uint32_t i) {
      Napi::Value v = a[i];
      if (!v.IsNumber()) throw Napi::TypeError::New(env, "round spec entries must be numbers");
      return v.As<Napi::Number>().DoubleValue();
    };
    mtrl::RoundSpec spec;
    spec.loss = static_cast<mtrl::Loss>(std::clamp(static_cast<int>(num(0)), 0, 3));
    spec.lrHead = static_cast<float>(num(1));
    spec.lrRep = static_cast<float>(num(2));
    spec.weightDecay = static_cast<float>(num(3));
    spec.headSteps = std::max(0, static_cast<int>(num(4)));
    spec.headsAfter = num(5) != 0;
    spec.updateRep = num(6) != 0;
    spec.trainBias = num(7) != 0;
    spec.repSlot = num(8) != 0 ? 1 : 0;
    if (!t.hasData(0) || (spec.updateRep && !t.hasData(spec.repSlot))) throw Napi::Error::New(env, "no training data was set");
    auto stats = std::make_shared<mtrl::Stats>();
    return Start(info, {}, [&t, spec, stats] { *stats = t.round(spec); }, [stats](Napi::Env e) { return pair(e, *stats); });
  }

  Napi::Value Evaluate(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto& t = live(env);
    const auto loss = static_cast<mtrl::Loss>(integer(env, info[0], 0, 3, "loss"));
    const int slot = integer(env, info[1], 0, 1, "slot");
    if (!t.hasData(slot)) throw Napi::Error::New(env, "no training data was set");
    auto stats = std::make_shared<mtrl::Stats>();
    return Start(info, {}, [&t, loss, slot, stats] { *stats = t.evaluate(loss, slot); }, [stats](Napi::Env e) { return pair(e, *stats); });
  }

  Napi::Value Read(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto& t = live(env);
    std::copy(t.W.begin(), t.W.end(), floats(env, info[0], t.W.size(), "W"));
    std::copy(t.b.begin(), t.b.end(), floats(env, info[1], t.b.size(), "b"));
    std::copy(t.heads.begin(), t.heads.end(), floats(env, info[2], t.heads.size(), "heads"));
    return env.Undefined();
  }

  Napi::Value Write(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto& t = live(env);
    const float* W = floats(env, info[0], t.W.size(), "W");
    const float* b = floats(env, info[1], t.b.size(), "b");
    const float* h = floats(env, info[2], t.heads.size(), "heads");
    std::copy(W, W + t.W.size(), t.W.begin());
    std::copy(b, b + t.b.size(), t.b.begin());
    std::copy(h, h + t.heads.size(), t.heads.begin());
    return env.Undefined();
  }

  Napi::Value Features(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto& t = live(env);
    const int count = integer(env, info[1], 0, 1 << 30, "count");
    const float* X = floats(env, info[0], static_cast<size_t>(count) * t.d, "X");
    float* out = floats(env, info[2], static_cast<size_t>(count) * t.m, "out");
    return Start(info, {info[0].As<Napi::Object>(), info[2].As<Napi::Object>()}, [&t, X, count, out] { t.features(X, count, out); },
                 [](Napi::Env e) { return e.Undefined(); });
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    live(info.Env());
    trainer_.reset();
    return info.Env().Undefined();
  }

  static Napi::Value pair(Napi::Env env, const mtrl::Stats& s) {
    auto out = Napi::Array::New(env, 2);
    out.Set(0u, Napi::Number::New(env, s.loss));
    out.Set(1u, Napi::Number::New(env, s.accuracy));
    return out;
  }

  std::unique_ptr<mtrl::Trainer> trainer_;
  bool busy_ = false;
};

Napi::Value Info(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto out = Napi::Object::New(env);
  out.Set("blas", mtrl::blasName());
  out.Set("threads", mtrl::threads());
  out.Set("version", "0.1.0");
#if defined(__clang__)
  out.Set("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  out.Set("compiler", "gcc " __VERSION__);
#elif defined(_MSC_VER)
  out.Set("compiler", "msvc " + std::to_string(_MSC_VER));
#endif
  return out;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  mtrl::setThreads(integer(info.Env(), info[0], 0, 1024, "threads"));
  return info.Env().Undefined();
}

// Times a plain sgemm of the given shape, for the benchmark's floor; resolves to seconds per call, one per repeat.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const int M = integer(env, info[0], 1, 1 << 20, "M"), N = integer(env, info[1], 1, 1 << 20, "N");
  const int K = integer(env, info[2], 1, 1 << 20, "K"), repeats = integer(env, info[3], 1, 1000, "repeats");
  auto times = std::make_shared<std::vector<double>>();
  auto work = [M, N, K, repeats, times] {
    std::vector<float> A(static_cast<size_t>(M) * K), B(static_cast<size_t>(K) * N), C(static_cast<size_t>(M) * N);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> u(-1, 1);
    for (auto& v : A) v = u(gen);
    for (auto& v : B) v = u(gen);
    mtrl::sgemm(false, false, M, N, K, 1, A.data(), K, B.data(), N, 0, C.data(), N);
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      mtrl::sgemm(false, false, M, N, K, 1, A.data(), K, B.data(), N, 0, C.data(), N);
      times->push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  };
  auto* job = new Job(env, {}, work,
                      [times](Napi::Env e) {
                        auto out = Napi::Array::New(e, times->size());
                        for (size_t i = 0; i < times->size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(e, (*times)[i]));
                        return out;
                      },
                      [] {});
  auto promise = job->Promise();
  job->Queue();
  return promise;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  mtrl::threads();
  exports.Set("Trainer", TrainerWrap::Define(env));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  return exports;
}

}  // namespace

NODE_API_MODULE(mtrl_native, Init)

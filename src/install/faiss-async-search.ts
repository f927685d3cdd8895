/**
 * An asynchronous search added to faiss-node's C++ source (0.5.1 searches only synchronously, on
 * the calling thread): `index.searchAsync(queries: Float32Array, k)` copies the queries, runs
 * faiss's search on a libuv worker thread and resolves to `{ distances: Float32Array, labels:
 * Float64Array }`. A query against a 100,000-vector Flat gallery holds the thread for ~90 ms
 * (bench:retrieval); on the event loop that stalled every other request of the server.
 *
 * Safe because retrieval never changes a native index once it is searchable (VectorIndex is
 * copy-on-write), and the worker holds a reference to the JavaScript object, so the index cannot
 * be collected while its search runs. Applied with the leak fixes by faiss-build-files.ts.
 */

const WORKER = `// ppserve: faiss search on a libuv worker thread (src/install/faiss-async-search.ts).
class SearchWorker : public Napi::AsyncWorker
{
public:
  SearchWorker(Napi::Env env, Napi::Object owner, const faiss::Index *index, std::vector<float> queries, idx_t nq, idx_t k)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), owner_(Napi::Persistent(owner)), index_(index),
        queries_(std::move(queries)), nq_(nq), k_(k), distances_(nq * k), labels_(nq * k) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override
  {
    try
    {
      index_->search(nq_, queries_.data(), k_, distances_.data(), labels_.data());
    }
    catch (const std::exception &ex)
    {
      SetError(ex.what());
    }
  }

  void OnOK() override
  {
    Napi::Env env = Env();
    auto distances = Napi::Float32Array::New(env, distances_.size());
    std::copy(distances_.begin(), distances_.end(), distances.Data());
    auto labels = Napi::Float64Array::New(env, labels_.size());
    for (size_t i = 0; i < labels_.size(); i++) labels[i] = static_cast<double>(labels_[i]);
    Napi::Object result = Napi::Object::New(env);
    result.Set("distances", distances);
    result.Set("labels", labels);
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error &error) override { deferred_.Reject(error.Value()); }

private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_;
  const faiss::Index *index_;
  std::vector<float> queries_;
  idx_t nq_;
  idx_t k_;
  std::vector<float> distances_;
  std::vector<idx_t> labels_;
};

template <class T, typename Y>
class IndexBase : public Napi::ObjectWrap<T>`

const METHOD = `  // ppserve: searchAsync(queries: Float32Array, k) -> Promise<{ distances: Float32Array, labels: Float64Array }>
  Napi::Value searchAsync(const Napi::CallbackInfo &info)
  {
    Napi::Env env = info.Env();
    if (info.Length() != 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array || !info[1].IsNumber())
    {
      Napi::TypeError::New(env, "searchAsync expects (queries: Float32Array, k: number).").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto queries = info[0].As<Napi::Float32Array>();
    const int64_t k = info[1].As<Napi::Number>().Int64Value();
    if (k < 1 || k > index_->ntotal)
    {
      Napi::Error::New(env, "Invalid the number of k (must be 1.." + std::to_string(index_->ntotal) + ").").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const size_t length = queries.ElementLength();
    if (length % index_->d != 0)
    {
      Napi::Error::New(env, "Invalid the given array length.").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::vector<float> copy(queries.Data(), queries.Data() + length);
    auto *worker = new SearchWorker(env, info.This().As<Napi::Object>(), index_.get(), std::move(copy), length / index_->d, k);
    Napi::Promise promise = worker->Promise();
    worker->Queue(); // node-addon-api deletes the worker once it has settled
    return promise;
  }

  Napi::Value ntotal(const Napi::CallbackInfo &info)`

/** [text in faiss-node 0.5.1's faiss.cc, its replacement]: each must be found exactly once. */
export const ASYNC_SEARCH: ReadonlyArray<readonly [string, string]> = [
  ['#include <napi.h>\n', '#include <napi.h>\n#include <algorithm>\n#include <vector>\n'],
  ['template <class T, typename Y>\nclass IndexBase : public Napi::ObjectWrap<T>', WORKER],
  ['  Napi::Value ntotal(const Napi::CallbackInfo &info)', METHOD],
  ['      InstanceMethod("search", &Index::search),\n', '      InstanceMethod("search", &Index::search),\n      InstanceMethod("searchAsync", &Index::searchAsync),\n'],
]

#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

// libcurl (Debian libcurl4-openssl-dev), the HTTP transport of LakeAWS.
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: each wrapper below fixes one
// argument type, as the libcurl docs say each option takes ("long", "char *", "curl_off_t", a function pointer...).
#include <curl/curl.h>

typedef size_t (*CCurl_DataCallback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*CCurl_SeekCallback)(void *userdata, curl_off_t offset, int origin);

static inline CURLcode CCurl_setLong(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode CCurl_setOffset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// For string options; libcurl copies the string (CURLOPT_URL, CURLOPT_CUSTOMREQUEST...).
static inline CURLcode CCurl_setString(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// For pointer options that libcurl keeps (CURLOPT_ERRORBUFFER, CURLOPT_*DATA): the caller keeps them alive.
static inline CURLcode CCurl_setPointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode CCurl_setHeaderList(CURL *handle, struct curl_slist *list) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
}

/// CURLOPT_WRITEFUNCTION, CURLOPT_READFUNCTION or CURLOPT_HEADERFUNCTION.
static inline CURLcode CCurl_setDataCallback(CURL *handle, CURLoption option, CCurl_DataCallback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode CCurl_setSeekCallback(CURL *handle, CCurl_SeekCallback callback) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

static inline CURLcode CCurl_getLong(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode CCurl_getOffset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

// Return values of the callbacks, which are macros Swift does not import.
static const size_t CCurl_readAbort = CURL_READFUNC_ABORT;
static const int CCurl_seekOK = CURL_SEEKFUNC_OK;
static const int CCurl_seekFail = CURL_SEEKFUNC_FAIL;
static const long CCurl_globalDefault = CURL_GLOBAL_DEFAULT;
static const size_t CCurl_errorBufferSize = CURL_ERROR_SIZE;

#endif

#ifndef HOLDFAST_COPENSSL_SHIM_H
#define HOLDFAST_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/pkcs12.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

// Macros Swift cannot import.
static inline int hf_EVP_PKEY_CTX_set_rsa_padding(EVP_PKEY_CTX *ctx, int pad) { return EVP_PKEY_CTX_set_rsa_padding(ctx, pad); }
static inline int hf_EVP_PKEY_CTX_set_rsa_pss_saltlen(EVP_PKEY_CTX *ctx, int len) { return EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, len); }
static inline long hf_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline const int HF_RSA_PKCS1_PADDING(void) { return RSA_PKCS1_PADDING; }
static inline const int HF_RSA_PKCS1_PSS_PADDING(void) { return RSA_PKCS1_PSS_PADDING; }
static inline const int HF_RSA_PSS_SALTLEN_DIGEST(void) { return RSA_PSS_SALTLEN_DIGEST; }

// X509_NAME_print_ex flags: RFC 2253 form, but UTF-8 kept as UTF-8 rather than escaped byte by byte.
static inline unsigned long hf_XN_FLAG_RFC2253_UTF8(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

// STACK_OF(X509) accessors are macros over OPENSSL_sk_* with type checks Swift cannot import.
static inline STACK_OF(X509) *hf_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int hf_sk_X509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *hf_sk_X509_value(const STACK_OF(X509) *sk, int index) { return sk_X509_value(sk, index); }
static inline int hf_sk_X509_push(STACK_OF(X509) *sk, X509 *certificate) { return sk_X509_push(sk, certificate); }
// Frees the stack and every certificate it holds.
static inline void hf_sk_X509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }
// Frees the stack only; the certificates stay owned by whoever pushed them.
static inline void hf_sk_X509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }

#endif
